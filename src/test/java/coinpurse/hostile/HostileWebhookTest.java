package coinpurse.hostile;

import static coinpurse.hostile.HostileArbitraries.jsonValues;
import static coinpurse.hostile.HostileArbitraries.knownWrongSignatures;
import static coinpurse.hostile.HostileServer.NO_HEADER;
import static coinpurse.hostile.HostileServer.WEBHOOK;
import static coinpurse.support.JsonAssertions.quote;
import static coinpurse.support.JsonAssertions.strictJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.JsonAssertions;
import coinpurse.support.RawHttp.Answer;
import coinpurse.support.RawHttp.Request;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import coinpurse.support.WebhookSigner;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The webhook under attack: a real paid event under every Stripe-Signature but a correct one,
 * and events signed with the real secret but hostile inside. Neither may credit a coin.
 */
class HostileWebhookTest {
    @RunningServer
    static HostileServer hostile;

    /**
     * The body is a real paid event for a real pending session: accepted, it would credit 550
     * coins. Under every header but a correct one it must change nothing.
     */
    @Property(tries = 200)
    void everyWrongStripeSignatureIs400AndCreditsNothing(@ForAll("wrongSignatures") String signature) {
        Request request = Request.post(WEBHOOK, hostile.pendingPaidEvent);
        if (!signature.equals(NO_HEADER)) {
            request = request.header("Stripe-Signature", signature);
        }

        Answer answer = hostile.assertSpecAnswer(request);

        if (answer.status() != 431) {
            assertEquals(400, answer.status(), signature + " → " + answer);
            assertEquals("invalid_signature", strictJson(answer).get("error").asText());
        }
        assertEquals("pending", hostile.server.storedStatus(hostile.pendingSession));
        hostile.assertNoCoinMoved();
    }

    @Example
    void everyKnownWrongStripeSignatureIs400AndCreditsNothing() {
        for (String signature : knownWrongSignatures(hostile.pendingPaidEvent, Instant.now().getEpochSecond())) {
            everyWrongStripeSignatureIs400AndCreditsNothing(signature);
        }
    }

    /**
     * A timestamp ahead of our clock is accepted when its signature is right, as Stripe's own
     * libraries do: only the secret's holder can sign it, and refusing would stop every payment
     * while this server's clock runs slow.
     */
    @Example
    void aCorrectSignatureDatedAheadOfOurClockIsAccepted() {
        TestServer server = hostile.server;
        String session = server.checkout(server.token("hi-ahead"), "starter");
        String event = server.paidEvent(session);
        long aheadBy = 3600;

        Answer answer = hostile.assertSpecAnswer(Request.post(WEBHOOK, event).header("Stripe-Signature",
                WebhookSigner.sign(event, TestServer.WEBHOOK_SECRET, Instant.now().getEpochSecond() + aheadBy)));

        assertEquals(200, answer.status(), answer.toString());
        assertEquals("completed", server.storedStatus(session));
        hostile.expectCredited("hi-ahead");
        hostile.assertNoCoinMoved();
    }

    /** A webhook body signed with the real secret but hostile inside: parsed safely, never credited. */
    @Property(tries = 150)
    void signedButHostileEventsAreAnsweredAndCreditNothing(@ForAll("hostileEvents") String event) {
        Answer answer = hostile.assertSpecAnswer(Request.post(WEBHOOK, event)
                .header("Stripe-Signature", WebhookSigner.sign(event, TestServer.WEBHOOK_SECRET)));

        assertTrue(answer.status() == 200 || answer.status() == 400, answer.toString());
        hostile.assertNoCoinMoved();
    }

    /**
     * PostgreSQL's text cannot hold NUL: a signed event with one in a field the server reads takes
     * it as missing (no Stripe id holds one), on either backend; one in the event's id or type is
     * no event. Never a 5xx that Stripe would deliver again for days, never a coin.
     */
    @Example
    void aSignedEventWithANulWhereAnIdShouldBeIsAnsweredAndCreditsNothing() {
        String paid = hostile.pendingPaidEvent;
        Map<String, Integer> events = new LinkedHashMap<>();
        events.put("{\"id\":\"evt_hostile_nul_1\",\"object\":\"event\",\"type\":\"checkout.session.completed\","
                + "\"data\":{\"object\":{\"id\":\"\\u0000\"}}}", 200);
        events.put("{\"id\":\"evt_hostile_nul\\u0000\",\"object\":\"event\",\"type\":\"checkout.session.completed\","
                + "\"data\":{\"object\":{\"id\":\"cs_test_hostile_nul\"}}}", 400);
        events.put("{\"id\":\"evt_hostile_nul_3\",\"object\":\"event\",\"type\":\"charge.refunded\\u0000\","
                + "\"data\":{\"object\":{\"id\":\"ch_x\"}}}", 400);
        events.put("{\"id\":\"evt_hostile_nul_4\",\"object\":\"event\",\"type\":\"charge.refunded\",\"data\":{\"object\":"
                + "{\"id\":\"ch_\\u0000\",\"payment_intent\":\"pi_\\u0000\",\"amount\":1999,\"amount_refunded\":1999}}}", 200);
        // The pending session's paid event, its session id with a NUL: recorded from metadata, it would be credited.
        events.put(paid.replaceFirst("\"evt_[^\"]*\"", "\"evt_hostile_nul_5\"")
                .replace(hostile.pendingSession, hostile.pendingSession + "\\u0000"), 200);
        // An unknown session whose metadata names a user with a NUL.
        events.put(paid.replaceFirst("\"evt_[^\"]*\"", "\"evt_hostile_nul_6\"")
                .replace(hostile.pendingSession, "cs_test_hostile_nul_6").replace("\"hi-pending\"", "\"hi-pending\\u0000\""), 200);

        events.forEach((event, status) -> {
            Answer answer = hostile.assertSpecAnswer(Request.post(WEBHOOK, event)
                    .header("Stripe-Signature", WebhookSigner.sign(event, TestServer.WEBHOOK_SECRET)));

            assertEquals(status, answer.status(), event + " → " + answer);
        });
        assertEquals("pending", hostile.server.storedStatus(hostile.pendingSession));
        hostile.assertNoCoinMoved();
    }

    /** Every Stripe-Signature that must not verify the pending session's paid event, or none at all. */
    @Provide
    Arbitrary<String> wrongSignatures() {
        return HostileArbitraries.wrongSignatures(hostile.pendingPaidEvent, Instant.now().getEpochSecond());
    }

    /** Events that carry hostile values where the session, charge or dispute should be. */
    @Provide
    Arbitrary<String> hostileEvents() {
        Arbitrary<String> types = Arbitraries.of("checkout.session.completed", "checkout.session.async_payment_succeeded",
                "checkout.session.async_payment_failed", "checkout.session.expired", "charge.refunded",
                "charge.dispute.created", "charge.dispute.closed", "ping", "", "checkout.session.");
        Arbitrary<String> fieldNames = Arbitraries.of("id", "object", "amount_total", "currency", "payment_status",
                "status", "client_reference_id", "metadata", "payment_intent", "amount", "amount_refunded", "refunded",
                "charge", "reason", "user_id", "package_id", "coins", "bonus");
        Arbitrary<String> member = Combinators.combine(fieldNames, jsonValues(2)).as((k, v) -> quote(k) + ":" + v);
        Arbitrary<String> object = member.list().ofMaxSize(12).map(members -> "{" + String.join(",", members) + "}");
        Arbitrary<String> eventId = Arbitraries.oneOf(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20).map(s -> quote("evt_hostile_" + s)),
                HostileArbitraries.hostileScalars());
        Arbitrary<String> event = Combinators.combine(eventId, types.map(JsonAssertions::quote), object)
                .as((id, type, data) -> "{\"id\":" + id + ",\"object\":\"event\",\"type\":" + type
                        + ",\"data\":{\"object\":" + data + "}}");
        return Arbitraries.frequencyOf(Tuple.of(6, event), Tuple.of(1, jsonValues(3)));
    }
}
