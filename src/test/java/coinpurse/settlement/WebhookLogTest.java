package coinpurse.settlement;

import static coinpurse.support.JsonAssertions.assertError;
import static coinpurse.support.PendingCheckout.uniqueUser;
import static coinpurse.support.StripeEvents.checkoutEvent;
import static coinpurse.support.StripeEvents.eventIdOf;
import static coinpurse.support.StripeEvents.newSessionId;
import static coinpurse.support.WebhookAssertions.assertAccepted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.LogCapture;
import coinpurse.support.PendingCheckout;
import coinpurse.support.RunningServer;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import coinpurse.support.WebhookSigner;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.Stripe;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the webhook's log line and recorded outcome tell a person: {@code ignored} for a checkout
 * that is none of this deployment's ({@code stripe trigger}'s, another app's), {@code rejected}
 * only for what needs a person, what each event is about, and a hint when a signature was made
 * with another secret than the configured ones.
 */
class WebhookLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RunningServer
    static TestServer server;

    @Test
    void aCheckoutMadeByStripeTriggerIsAnsweredOkAndLoggedIgnoredAtInfoNotRejected() {
        // `stripe trigger checkout.session.completed`: a paid session with no metadata of ours.
        ObjectNode session = paidSessionWithMetadata(JSON.createObjectNode());
        String event = checkoutEvent("checkout.session.completed", session);

        String log = LogCapture.during(() -> assertAccepted(server.deliver(event)));

        String line = webhookLine(log, eventIdOf(event));
        assertTrue(line.contains(" INFO ") && line.contains(" outcome=ignored "), line);
        assertTrue(line.contains("session=" + session.get("id").asText()), line);
        assertTrue(line.contains("stripe trigger"), "the detail says what such a session may be: " + line);
        assertFalse(log.contains("outcome=rejected"), log);
        assertEquals("ignored", server.eventOutcome(eventIdOf(event)));
        assertNull(server.storedStatus(session.get("id").asText()));
    }

    @Test
    void anotherAppsCheckoutOnTheSameAccountIsIgnored() {
        ObjectNode session = paidSessionWithMetadata(JSON.createObjectNode().put("order_id", "A-1017"));
        String event = checkoutEvent("checkout.session.completed", session);

        assertAccepted(server.deliver(event));

        assertEquals("ignored", server.eventOutcome(eventIdOf(event)));
        assertNull(server.storedStatus(session.get("id").asText()));
    }

    @Test
    void aSessionNamingThisDeploymentWhoseMetadataContradictsTheCatalogIsStillRejectedForAPerson() {
        String user = uniqueUser("claims-ours");
        ObjectNode session = StripeEvents.paidSession(newSessionId(), user, "popular", 5000, 50, 1999, "usd");
        String event = checkoutEvent("checkout.session.completed", session);

        String log = LogCapture.during(() -> assertAccepted(server.deliver(event)));

        assertTrue(webhookLine(log, eventIdOf(event)).contains(" outcome=rejected "), log);
        assertEquals("rejected", server.eventOutcome(eventIdOf(event)));
        assertEquals(0, server.storedBalance(user));
    }

    @Test
    void eventsThatAreNeitherCheckoutNorAboutAPaymentAreLoggedByTheirObjectNotAsSessionNull() {
        ObjectNode intent = JSON.createObjectNode().put("id", "pi_test_logged").put("object", "payment_intent")
                .put("amount", 1999).put("currency", "usd").put("status", "succeeded");
        ObjectNode customer = JSON.createObjectNode().put("id", "cus_test_logged").put("object", "customer");
        String succeeded = StripeEvents.event(StripeEvents.newEventId(), "payment_intent.succeeded", intent,
                Stripe.API_VERSION);
        String created = StripeEvents.event(StripeEvents.newEventId(), "customer.created", customer,
                Stripe.API_VERSION);

        String log = LogCapture.during(() -> {
            assertAccepted(server.deliver(succeeded));
            assertAccepted(server.deliver(created));
        });

        assertTrue(webhookLine(log, eventIdOf(succeeded)).contains(" payment_intent=pi_test_logged "), log);
        assertTrue(webhookLine(log, eventIdOf(created)).contains(" customer=cus_test_logged "), log);
        assertFalse(log.contains("session=null"), log);
    }

    @Test
    void aSignatureMadeWithAnotherSecretLogsAWarningThatStripeListenSignsWithItsOwnSecret() {
        PendingCheckout checkout = PendingCheckout.create(server, "listen-secret");
        String payload = server.paidEvent(checkout.sessionId());

        String log = LogCapture.during(() -> assertError(
                server.deliver(payload, WebhookSigner.sign(payload, "whsec_printed_by_stripe_listen")),
                400, "invalid_signature"));

        String warning = log.lines().filter(line -> line.contains(" WARN ") && line.contains("outcome=rejected"))
                .findFirst().orElseThrow(() -> new AssertionError("no WARN line:\n" + log));
        assertTrue(warning.contains("`stripe listen --print-secret`") && warning.contains("Dashboard endpoint's")
                && warning.contains("STRIPE_WEBHOOK_SECRET"), warning);
    }

    @Test
    void aFailureThatNoOtherSecretExplainsGetsNoSuchHint() {
        PendingCheckout checkout = PendingCheckout.create(server, "no-hint");
        String payload = server.paidEvent(checkout.sessionId());
        long tooOld = Instant.now().getEpochSecond() - 301;

        String log = LogCapture.during(() -> {
            assertError(server.deliver(payload, WebhookSigner.sign(payload, TestServer.WEBHOOK_SECRET, tooOld)),
                    400, "invalid_signature");
            assertError(server.deliver(payload, null), 400, "invalid_signature");
        });

        List<String> warnings = log.lines().filter(line -> line.contains(" WARN ")).toList();
        assertEquals(2, warnings.size(), log);
        warnings.forEach(line -> assertFalse(line.contains("stripe listen"), line));
    }

    /** A paid Checkout Session unknown here whose metadata is {@code metadata}, as another app's would be. */
    private static ObjectNode paidSessionWithMetadata(ObjectNode metadata) {
        ObjectNode session = StripeEvents.paidSession(newSessionId(), "nobody", "popular", 500, 50, 3000, "usd");
        session.set("metadata", metadata);
        session.remove("client_reference_id");
        return session;
    }

    /** The webhook's one log line about event {@code eventId}. */
    private static String webhookLine(String log, String eventId) {
        return log.lines().filter(line -> line.contains("webhook event=" + eventId + " "))
                .findFirst().orElseThrow(() -> new AssertionError("no log line for " + eventId + ":\n" + log));
    }
}
