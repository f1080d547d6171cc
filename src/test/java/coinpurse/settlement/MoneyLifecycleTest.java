package coinpurse.settlement;

import static coinpurse.support.Concurrently.allAtOnce;
import static coinpurse.support.StripeEvents.eventIdOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.catalog.CoinPackage;
import coinpurse.catalog.PackageCatalog;
import coinpurse.checkout.PriceCheck;
import coinpurse.support.CliRun;
import coinpurse.support.FakeStripe;
import coinpurse.support.RunningServer;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stripe's whole money lifecycle through real HTTP into the real app: a package is bought through
 * the API, paid at the fake Stripe, and then refunded, disputed, reinstated, in the orders Stripe
 * really delivers them, including before the purchase is fulfilled here. Every event is the one the
 * fake Stripe emitted, signed with Stripe's scheme.
 */
class MoneyLifecycleTest {
    /** The "popular" built-in package: 500 + 50 coins for 19.99 USD. */
    private static final long COINS = 550;
    private static final long PRICE = 1999;

    @RunningServer(env = {"RATELIMIT_CHECKOUT_PER_MINUTE=10000"})
    static TestServer server;
    private static int users;

    // ---- 1. a refund or dispute that arrives before the purchase is fulfilled ----

    @Test
    void aRefundBeforeTheLateCompletedWebhookLeavesNoCoins() {
        Purchase p = paidButNotDelivered();
        FakeStripe.Refund refund = server.stripe().refund(p.paymentIntent(), PRICE, "succeeded");
        deliverAll(refund.events());
        assertEquals(0, server.storedBalance(p.user()));
        assertEquals("pending", server.storedStatus(p.sessionId()));

        deliverAll(p.completed());

        assertEquals(0, server.storedBalance(p.user()));
        assertEquals("refunded", server.storedStatus(p.sessionId()));
        assertEquals(List.of("purchase:550", "refund:-550"), ledger(p));
        assertEquals("refunded", statusRoute(p).get("status").asText());
    }

    @Test
    void aRefundBeforeAStatusPollFulfilsThePurchaseAlreadyReversed() {
        Purchase p = paidButNotDelivered();
        deliverAll(server.stripe().refund(p.paymentIntent(), 500, "pending").events());

        JsonNode status = statusRoute(p); // the status route asks Stripe, which says paid

        assertEquals("completed", status.get("status").asText());
        long kept = COINS - COINS * 500 / PRICE;
        assertEquals(kept, status.get("new_balance").asLong());
        assertEquals(kept, server.storedBalance(p.user()));
        assertEquals(List.of("purchase:550", "refund:-137"), ledger(p));
    }

    @Test
    void aDisputeBeforeReconcileCreditsThePurchaseWithItsCoinsHeld() throws IOException {
        Purchase p = paidButNotDelivered();
        deliverAll(server.stripe().openDispute(p.paymentIntent(), false).events());

        CliRun run = reconcile();

        assertEquals(0, run.exit(), run.err());
        assertEquals(0, server.storedBalance(p.user()));
        assertEquals("completed", server.storedStatus(p.sessionId()));
        assertEquals(List.of("purchase:550", "dispute:-550"), ledger(p));
    }

    // ---- 2. a Stripe Price that charges something else ----

    @Test
    void aPackageWhosePriceChargesAnotherAmountIsExpiredAtStripeAnswered502AndNotRecorded(@TempDir Path pricedDir) {
        try (TestServer priced = TestServer.start(pricedDir, Map.of(
                "PACKAGES_POPULAR_STRIPE_PRICE_ID", "price_wrong_amount"))) {
            priced.stripe().definePrice("price_wrong_amount", 2500, "usd");
            long sessionsBefore = priced.queryLong("SELECT COUNT(*) FROM payment_sessions");

            HttpResponse<String> answer = priced.post("/api/payment/create-checkout-session",
                    "{\"package_id\": \"popular\"}", priced.token("priced-user"));

            assertEquals(502, answer.statusCode(), answer.body());
            JsonNode error = TestServer.json(answer);
            assertEquals("package_misconfigured", error.get("error").asText());
            assertTrue(error.get("message").asText().contains("popular"), answer.body());
            assertEquals(sessionsBefore, priced.queryLong("SELECT COUNT(*) FROM payment_sessions"));
            List<String> expired = priced.stripe().expiredByApi();
            assertEquals(1, expired.size());
            assertEquals("expired", priced.stripe().session(expired.get(0)).get("status").asText());
        }
    }

    @Test
    void thePriceCheckNamesEachPackageWhoseStripePriceDiffers() {
        server.stripe().definePrice("price_right", 1999, "usd");
        server.stripe().definePrice("price_euro", 1999, "eur");
        PackageCatalog catalog = new PackageCatalog(List.of(
                new CoinPackage("right", "Right", 500, 50, 1999, "usd", "price_right"),
                new CoinPackage("euro", "Euro", 500, 50, 1999, "usd", "price_euro"),
                new CoinPackage("gone", "Gone", 100, 0, 499, "usd", "price_never_made"),
                new CoinPackage("inline", "Inline", 100, 0, 499, "usd", null)));

        List<String> problems = new PriceCheck(server.deps().stripe().orElseThrow(), catalog).problems();

        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("package euro: Stripe Price price_euro charges 19.99 eur"),
                problems.get(0));
        assertTrue(problems.get(1).startsWith("package gone: Stripe Price price_never_made does not exist"),
                problems.get(1));
    }

    // ---- 3. a refund that fails or is canceled ----

    @Test
    void aFailedRefundGivesItsCoinsBackAndThePurchaseIsCompletedAgain() {
        Purchase p = bought();
        FakeStripe.Refund refund = server.stripe().refund(p.paymentIntent(), PRICE, "pending");
        deliverAll(refund.events());
        assertEquals("refunded", server.storedStatus(p.sessionId()));

        deliverAll(server.stripe().setRefundStatus(refund.id(), "failed"));

        assertEquals(COINS, server.storedBalance(p.user()));
        assertEquals("completed", server.storedStatus(p.sessionId()));
        assertEquals(List.of("purchase:550", "refund:-550", "refund_reversed:550"), ledger(p));
        assertEquals("completed", statusRoute(p).get("status").asText());
    }

    @Test
    void aCanceledRefundWhoseEventsArriveBeforeTheRefundItselfTakesNothing() {
        Purchase p = bought();
        FakeStripe.Refund refund = server.stripe().refund(p.paymentIntent(), 1000, "pending");
        List<String> canceled = server.stripe().setRefundStatus(refund.id(), "canceled");

        deliverAll(canceled);
        deliverAll(refund.events());

        assertEquals(COINS, server.storedBalance(p.user()));
        assertEquals(List.of("purchase:550"), ledger(p));
    }

    @Test
    void aSecondRefundAfterAFailedOneIsTakenOnceItsOwnEventsArrive() {
        Purchase p = bought();
        FakeStripe.Refund first = server.stripe().refund(p.paymentIntent(), PRICE, "pending");
        List<String> failed = server.stripe().setRefundStatus(first.id(), "failed");
        FakeStripe.Refund second = server.stripe().refund(p.paymentIntent(), 500, "succeeded");

        deliverAll(second.events());
        deliverAll(failed);
        deliverAll(first.events());

        assertEquals(COINS - COINS * 500 / PRICE, server.storedBalance(p.user()));
        assertEquals("completed", server.storedStatus(p.sessionId()));
    }

    // ---- 4. only this deployment's money ----

    @Test
    void checkoutPutsThisDeploymentsIdOnTheSessionAndItsPaymentIntent() {
        String user = newUser();
        String sessionId = server.checkout(server.token(user), "popular");

        Map<String, String> request = server.stripe().createRequests().get(server.stripe().createRequests().size() - 1);
        assertEquals(TestServer.INSTANCE_ID, request.get("metadata[coinpurse_instance]"));
        Map<String, String> intent = server.stripe().paymentIntentMetadata(sessionId);
        assertEquals(Map.of("user_id", user, "package_id", "popular", "coins", "500", "bonus", "50",
                "coinpurse_instance", TestServer.INSTANCE_ID), intent);
    }

    @Test
    void anotherDeploymentsSessionIsNotRecordedNorCreditedButIgnored() {
        String user = newUser();
        String sessionId = "cs_test_other_" + user;
        ObjectNode session = StripeEvents.paidSession(sessionId, user, "popular", 500, 50, PRICE, "usd");
        ((ObjectNode) session.get("metadata")).put("coinpurse_instance", "someone-elses-shop");
        String event = StripeEvents.checkoutEvent(StripeEvents.newEventId(), "checkout.session.completed", session);

        assertEquals(200, server.deliver(event).statusCode());

        assertEquals(null, server.storedStatus(sessionId));
        assertEquals(0, server.storedBalance(user));
        assertEquals("ignored", outcomeOf(event), "not ours: nothing for a person to do");
    }

    @Test
    void aLiveModeEventAtATestModeServerIsAcknowledgedAndIgnored() {
        Purchase p = paidButNotDelivered();
        String live = p.completed().get(0).replace("\"livemode\" : false", "\"livemode\" : true");
        assertTrue(live.contains("\"livemode\" : true"), "the event must say livemode");

        assertEquals(200, server.deliver(live).statusCode());

        assertEquals(0, server.storedBalance(p.user()));
        assertEquals("pending", server.storedStatus(p.sessionId()));
        assertEquals("ignored", outcomeOf(live));
    }

    // ---- 5. disputes, each by its own id ----

    @Test
    void aSecondDisputeAfterTheFirstWasWonTakesTheCoinsAgain() {
        Purchase p = bought();
        FakeStripe.Dispute first = server.stripe().openDispute(p.paymentIntent(), false);
        deliverAll(first.events());
        deliverAll(server.stripe().closeDispute(first.id(), "won"));
        assertEquals(COINS, server.storedBalance(p.user()));

        FakeStripe.Dispute second = server.stripe().openDispute(p.paymentIntent(), false);
        deliverAll(second.events());

        assertEquals(0, server.storedBalance(p.user()));
        deliverAll(server.stripe().closeDispute(second.id(), "lost"));
        assertEquals(0, server.storedBalance(p.user()));
        assertEquals("refunded", server.storedStatus(p.sessionId()));
        assertEquals(List.of("purchase:550", "dispute:-550", "dispute_won:550", "dispute:-550"), ledger(p));
    }

    @Test
    void aWonDisputeAndItsReinstatedFundsGiveTheCoinsBackOnce() {
        Purchase p = bought();
        FakeStripe.Dispute dispute = server.stripe().openDispute(p.paymentIntent(), false);
        List<String> won = server.stripe().closeDispute(dispute.id(), "won"); // closed, then funds_reinstated

        deliverAll(List.of(won.get(1), dispute.events().get(0), won.get(0)));
        deliverAll(dispute.events());
        deliverAll(won);

        assertEquals(COINS, server.storedBalance(p.user()));
        assertEquals(List.of("purchase:550"), ledger(p), "reinstated before it was seen open: nothing moved");
    }

    @Test
    void anInquiryHoldsTheCoinsUntilItClosesWithoutAChargeback() {
        Purchase p = bought();
        FakeStripe.Dispute inquiry = server.stripe().openDispute(p.paymentIntent(), true);
        deliverAll(inquiry.events());
        assertEquals(0, server.storedBalance(p.user()));
        assertEquals("completed", statusRoute(p).get("status").asText());

        deliverAll(server.stripe().closeDispute(inquiry.id(), "warning_closed"));

        assertEquals(COINS, server.storedBalance(p.user()));
    }

    @Test
    void aPreventedDisputeGivesTheCoinsBack() {
        Purchase p = bought();
        FakeStripe.Dispute dispute = server.stripe().openDispute(p.paymentIntent(), false);
        deliverAll(dispute.events());

        deliverAll(server.stripe().closeDispute(dispute.id(), "prevented"));

        assertEquals(COINS, server.storedBalance(p.user()));
        assertEquals("completed", server.storedStatus(p.sessionId()));
    }

    // ---- reconcile replays the events that never arrived ----

    @Test
    void reconcileReplaysAMissedRefundOnceAndADryRunWritesNothing() throws IOException {
        Purchase p = bought();
        FakeStripe.Refund refund = server.stripe().refund(p.paymentIntent(), PRICE, "succeeded"); // never delivered
        String before = ledger(p).toString();

        CliRun dry = reconcile("--dry-run");
        assertEquals(0, dry.exit(), dry.err());
        assertTrue(dry.out().contains("would replay " + eventIdOf(refund.events().get(0))), dry.out());
        assertEquals(before, ledger(p).toString());

        CliRun real = reconcile();
        assertEquals(0, real.exit(), real.err());
        assertEquals(0, server.storedBalance(p.user()));
        assertEquals(List.of("purchase:550", "refund:-550"), ledger(p));

        CliRun again = reconcile();
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.outLines().stream().noneMatch(line -> line.startsWith("replayed ")), again.out());
        assertEquals(List.of("purchase:550", "refund:-550"), ledger(p));
        // The webhook delivering it late changes nothing either.
        deliverAll(refund.events());
        assertEquals(List.of("purchase:550", "refund:-550"), ledger(p));
    }

    // ---- a refund racing the fulfilling webhook ----

    @Test
    void refundsRacingTheirFulfillingWebhooksAlwaysEndWithTheRefundTaken() throws Exception {
        int purchases = 12;
        List<Purchase> bought = new ArrayList<>();
        List<String> refunds = new ArrayList<>();
        for (int i = 0; i < purchases; i++) {
            Purchase p = paidButNotDelivered();
            bought.add(p);
            refunds.add(server.stripe().refund(p.paymentIntent(), 1000, "succeeded").events().get(0)); // charge.refunded
        }

        allAtOnce(purchases * 2, i -> () -> {
            String event = i % 2 == 0 ? bought.get(i / 2).completed().get(0) : refunds.get(i / 2);
            return server.deliver(event).statusCode();
        }).forEach(status -> assertEquals(200, status));

        long kept = COINS - COINS * 1000 / PRICE;
        for (Purchase p : bought) {
            assertEquals(kept, server.storedBalance(p.user()), p.sessionId());
            assertEquals(List.of("purchase:550", "refund:-" + (COINS - kept)), ledger(p));
        }
    }

    // ---- helpers ----

    record Purchase(String user, String token, String sessionId, String paymentIntent, List<String> completed) {}

    private static String newUser() {
        return "lifecycle-" + (++users);
    }

    /** Bought through the API and paid at Stripe; its checkout.session.completed not delivered yet. */
    private static Purchase paidButNotDelivered() {
        String user = newUser();
        String token = server.token(user);
        String sessionId = server.checkout(token, "popular");
        List<String> completed = server.stripe().completeCheckout(sessionId);
        return new Purchase(user, token, sessionId, server.stripe().paymentIntentOf(sessionId), completed);
    }

    private static Purchase bought() {
        Purchase p = paidButNotDelivered();
        deliverAll(p.completed());
        assertEquals(COINS, server.storedBalance(p.user()));
        return p;
    }

    private static void deliverAll(List<String> events) {
        for (String event : events) {
            HttpResponse<String> answer = server.deliver(event);
            assertEquals(200, answer.statusCode(), answer.body());
        }
    }

    private static JsonNode statusRoute(Purchase p) {
        HttpResponse<String> answer = server.get("/api/payment/status/" + p.sessionId(), p.token());
        assertEquals(200, answer.statusCode(), answer.body());
        return TestServer.json(answer);
    }

    /** The purchase's ledger rows, oldest first, as "reason:delta". */
    private static List<String> ledger(Purchase p) {
        List<String> rows = new ArrayList<>();
        JsonNode entries = TestServer.json(server.get("/api/coins/history?limit=200", p.token())).get("entries");
        entries.forEach(entry -> {
            if (entry.get("reference").asText().equals(p.sessionId())) {
                rows.add(0, entry.get("reason").asText() + ":" + entry.get("delta").asLong());
            }
        });
        return rows;
    }

    private static String outcomeOf(String event) {
        return server.eventOutcome(eventIdOf(event));
    }

    private static CliRun reconcile(String... extra) {
        Path config = server.writeCliConfig(server.dir().resolve("reconcile.properties"));
        List<String> args = new ArrayList<>(List.of("reconcile", "--config", config.toString()));
        args.addAll(List.of(extra));
        return CliRun.run(args.toArray(String[]::new));
    }
}
