package coinpurse.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.stripe.CheckoutSessionData;
import coinpurse.stripe.RefundData;
import coinpurse.stripe.StripeEvent;
import coinpurse.stripe.StripeFailureException;
import coinpurse.stripe.StripeGateway;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The calls coinpurse makes to Stripe, answered by the sandbox from its own state as Stripe would:
 * sessions, prices, events, a payment's refunds and metadata, and the calls that change something
 * (expire, a fraud refund), whose events reach the webhook without the caller waiting.
 */
class SandboxGatewayTest {
    private static final Duration DELIVERY_LIMIT = Duration.ofSeconds(20);

    /** The built-in "popular" package sold at a Stripe Price, as a catalog made for a real account is. */
    @RunningServer(sandbox = true, env = {"PACKAGES_POPULAR_STRIPE_PRICE_ID=price_sandbox_popular"})
    static TestServer server;

    private final SandboxPages pages = new SandboxPages(server);
    private final StripeGateway stripe = server.deps().stripe().orElseThrow();

    @Test
    void aPackagesPriceChargesItsCatalogPriceAndAnUnknownPriceIsNotFound() {
        assertEquals(1999L, stripe.retrievePrice("price_sandbox_popular").unitAmount());
        assertEquals("usd", stripe.retrievePrice("price_sandbox_popular").currency());
        StripeFailureException unknown = assertThrows(StripeFailureException.class,
                () -> stripe.retrievePrice("price_nope"));
        assertTrue(unknown.isNotFound(), unknown.toString());
    }

    @Test
    void sessionsEventsAndMetadataAreWhatTheSandboxKeeps() {
        Instant before = Instant.now().minusSeconds(1);
        String sessionId = pages.checkout(server.token("gateway-reader"), "popular");
        String paymentIntent = pages.paid(sessionId);

        CheckoutSessionData session = stripe.retrieveCheckoutSession(sessionId);
        assertTrue(session.isPaid());
        assertEquals(paymentIntent, session.paymentIntent());
        assertEquals(1999L, session.amountTotal());
        assertEquals("gateway-reader", session.metadata().get("user_id"));
        assertEquals(session.metadata(), stripe.paymentIntentMetadata(paymentIntent));
        assertEquals(TestServer.INSTANCE_ID, stripe.paymentIntentMetadata(paymentIntent).get("coinpurse_instance"));
        List<String> listed = new ArrayList<>();
        stripe.listCheckoutSessions(before).forEach(s -> listed.add(s.id()));
        assertTrue(listed.contains(sessionId), listed.toString());
        List<StripeEvent> events = new ArrayList<>();
        stripe.listEvents(before, List.of("checkout.session.completed")).forEach(events::add);
        assertTrue(events.stream().anyMatch(e -> sessionId.equals(e.sessionId()) && Boolean.FALSE.equals(e.livemode())),
                events.toString());
        assertTrue(assertThrows(StripeFailureException.class, () -> stripe.retrieveCheckoutSession("cs_nope"))
                .isNotFound());
    }

    @Test
    void aFraudRefundTakesWhatIsLeftOnceAndItsEventsReachTheWebhook() throws Exception {
        String sessionId = pages.checkout(server.token("gateway-fraud"), "starter");
        String paymentIntent = pages.paid(sessionId);
        pages.refund(sessionId, 100L);

        RefundData first = stripe.refundAsFraudulent(paymentIntent, "issfr_sandbox_1");
        RefundData again = stripe.refundAsFraudulent(paymentIntent, "issfr_sandbox_1");

        assertEquals(399L, first.amount());
        assertEquals("succeeded", first.status());
        assertEquals(first, again, "the same idempotency key answers the same refund");
        assertEquals(2, stripe.listRefunds(paymentIntent).size());
        awaitDeliveries();
        assertEquals("refunded", server.storedStatus(sessionId));
        assertEquals(0, server.storedBalance("gateway-fraud"));
        assertThrows(StripeFailureException.class, () -> stripe.refundAsFraudulent(paymentIntent, "issfr_sandbox_2"),
                "nothing is left to refund");
    }

    @Test
    void expiringAnOpenSessionClosesItAndTheWebhookHearsOfIt() throws Exception {
        String sessionId = pages.checkout(server.token("gateway-expire"), "starter");

        CheckoutSessionData expired = stripe.expireCheckoutSession(sessionId);

        assertTrue(expired.isExpired());
        assertEquals(null, expired.url(), "an expired session has no page to pay on");
        awaitDeliveries();
        assertEquals("expired", server.storedStatus(sessionId));
        assertEquals(409, pages.pay(sessionId, "4242 4242 4242 4242").statusCode());
        assertFalse(stripe.retrieveCheckoutSession(sessionId).isPaid());
    }

    /**
     * Events a gateway call makes are sent without the caller waiting, by the one thread that sends
     * every event in order: once an empty batch queued after them is done, they were answered.
     */
    private static void awaitDeliveries() throws Exception {
        server.deps().sandbox().orElseThrow().delivery().send(List.of()).get(DELIVERY_LIMIT.toSeconds(), TimeUnit.SECONDS);
    }
}
