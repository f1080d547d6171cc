package coinpurse.settlement;

import static coinpurse.support.PendingCheckout.uniqueUser;
import static coinpurse.support.StripeEvents.eventIdOf;
import static coinpurse.support.WebhookAssertions.assertAccepted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.CliRun;
import coinpurse.support.FakeStripe;
import coinpurse.support.RunningServer;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.Stripe;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code radar.early_fraud_warning.*}: recorded for the payment, shown by {@code user} and
 * {@code events}; with {@code stripe.refund_early_fraud_warnings=true} an actionable warning of
 * this deployment's payment is refunded in full at Stripe exactly once, and the refund's own
 * events take the coins back.
 */
class FraudWarningsTest {
    private static final long COINS_TOTAL = 550;

    @RunningServer(env = "STRIPE_REFUND_EARLY_FRAUD_WARNINGS=true")
    static TestServer server;

    @TempDir
    Path dir;

    @Test
    void anActionableWarningIsRefundedOnceHoweverOftenItComesAndTheRefundTakesTheCoins() {
        Purchase purchase = buy("warned");
        FakeStripe.EarlyFraudWarning warning =
                server.stripe().earlyFraudWarning(purchase.paymentIntent(), "made_with_stolen_card", true);
        String created = warning.events().get(0);

        assertAccepted(server.deliver(created));
        assertAccepted(server.deliver(created));
        assertAccepted(server.deliver(StripeEvents.event(StripeEvents.newEventId(), "radar.early_fraud_warning.updated",
                server.stripe().earlyFraudWarningObject(warning.id()), Stripe.API_VERSION)));

        List<FakeStripe.ApiRefund> refunds = refundsOf(purchase);
        assertEquals(1, refunds.size(), "one refund at Stripe");
        assertEquals("coinpurse-efw-" + warning.id(), refunds.get(0).idempotencyKey());
        assertEquals("fraudulent", refunds.get(0).params().get("reason"));
        assertEquals(COINS_TOTAL, server.storedBalance(purchase.user()), "the warning itself moves no coins");
        assertTrue(server.queryString("SELECT detail FROM processed_events WHERE event_id = ?", eventIdOf(created))
                .contains("refunded in full at Stripe (" + refunds.get(0).refundId() + ")"));

        refunds.get(0).events().forEach(event -> assertAccepted(server.deliver(event)));
        assertEquals(0, server.storedBalance(purchase.user()));
        assertEquals("refunded", server.storedStatus(purchase.sessionId()));
        assertEquals(server.ledgerSum(purchase.user()), server.storedBalance(purchase.user()));
    }

    @Test
    void aWarningThatIsNotActionableIsRecordedAndNotRefunded() {
        Purchase purchase = buy("not-actionable");
        FakeStripe.EarlyFraudWarning warning =
                server.stripe().earlyFraudWarning(purchase.paymentIntent(), "misc", false);

        assertAccepted(server.deliver(warning.events().get(0)));

        assertEquals(List.of(), refundsOf(purchase));
        assertEquals(0, server.queryLong("SELECT actionable FROM stripe_fraud_warnings WHERE warning_id = ?",
                warning.id()));
        assertEquals(COINS_TOTAL, server.storedBalance(purchase.user()));
    }

    @Test
    void aWarningOnAPaymentWithAnOpenDisputeIsNotRefunded() {
        Purchase purchase = buy("warned-disputed");
        FakeStripe.EarlyFraudWarning warning =
                server.stripe().earlyFraudWarning(purchase.paymentIntent(), "made_with_stolen_card", true);
        // The dispute's own events, not the warning's update it causes: the dispute is what counts here.
        server.stripe().openDispute(purchase.paymentIntent(), false).events().stream()
                .filter(event -> TestServer.parse(event).get("type").asText().startsWith("charge.dispute."))
                .forEach(event -> assertAccepted(server.deliver(event)));

        String created = warning.events().get(0);
        assertAccepted(server.deliver(created));

        assertEquals(List.of(), refundsOf(purchase));
        assertTrue(server.queryString("SELECT detail FROM processed_events WHERE event_id = ?", eventIdOf(created))
                .contains("not refunded: a dispute of the payment is open"));
    }

    @Test
    void whenStripeRefusesTheRefundCallTheEventAnswers503AndIsRefundedOnceWhenDeliveredAgain() {
        Purchase purchase = buy("warned-stripe-down");
        FakeStripe.EarlyFraudWarning warning =
                server.stripe().earlyFraudWarning(purchase.paymentIntent(), "made_with_stolen_card", true);
        String created = warning.events().get(0);
        server.stripe().failRefundCreatesWith(503);
        try {
            HttpResponse<String> answer = server.deliver(created);
            assertEquals(503, answer.statusCode(), answer.body());
            assertEquals(0, server.processedEventRows(eventIdOf(created)), "nothing recorded: Stripe delivers again");
        } finally {
            server.stripe().failRefundCreatesWith(0);
        }

        assertAccepted(server.deliver(created));
        assertAccepted(server.deliver(created));

        assertEquals(1, refundsOf(purchase).size());
    }

    @Test
    void aWarningOnAPaymentOfAnotherDeploymentIsRecordedAndNotRefunded() {
        // A payment this server never sold: its payment intent's metadata names no instance of ours.
        ObjectNode foreign = StripeEvents.paidSession(StripeEvents.randomId("cs_test_"), "other", "popular", 500, 50,
                1999, "usd");
        foreign.remove("metadata");
        server.stripe().putSession(foreign);
        server.stripe().markPaid(foreign.get("id").asText());
        String paymentIntent = server.stripe().paymentIntentOf(foreign.get("id").asText());
        FakeStripe.EarlyFraudWarning warning =
                server.stripe().earlyFraudWarning(paymentIntent, "made_with_stolen_card", true);
        int before = server.stripe().refundsCreatedByApi().size();

        String created = warning.events().get(0);
        assertAccepted(server.deliver(created));

        assertEquals(before, server.stripe().refundsCreatedByApi().size());
        assertTrue(server.queryString("SELECT detail FROM processed_events WHERE event_id = ?", eventIdOf(created))
                .contains("not a payment of this deployment"));
    }

    @Test
    void theUserCommandShowsTheWarningBesideThePurchase() {
        Purchase purchase = buy("warned-shown");
        FakeStripe.EarlyFraudWarning warning =
                server.stripe().earlyFraudWarning(purchase.paymentIntent(), "made_with_stolen_card", true);
        assertAccepted(server.deliver(warning.events().get(0)));
        Path config = server.writeCliConfig(dir.resolve("cli.properties"));

        CliRun user = CliRun.run("user", purchase.user(), "--config", config.toString());
        CliRun events = CliRun.run("events", "--user", purchase.user(), "--config", config.toString());

        assertEquals(0, user.exit(), user.err());
        assertTrue(user.out().contains("early fraud warning " + warning.id() + " (made_with_stolen_card; refunded by"
                + " coinpurse as " + refundsOf(purchase).get(0).refundId() + ")"), user.out());
        assertEquals(0, events.exit(), events.err());
        assertTrue(events.out().contains("radar.early_fraud_warning.created"), events.out());
    }

    record Purchase(String user, String sessionId, String paymentIntent) {}

    private static Purchase buy(String label) {
        String user = uniqueUser(label);
        String sessionId = server.checkout(server.token(user), "popular");
        assertAccepted(server.deliver(server.paidEvent(sessionId)));
        assertEquals(COINS_TOTAL, server.storedBalance(user));
        return new Purchase(user, sessionId, server.storedPaymentIntent(sessionId));
    }

    private static List<FakeStripe.ApiRefund> refundsOf(Purchase purchase) {
        return server.stripe().refundsCreatedByApi().stream()
                .filter(refund -> purchase.paymentIntent().equals(refund.params().get("payment_intent"))).toList();
    }
}
