package coinpurse.settlement;

import static coinpurse.support.Concurrently.allAtOnce;
import static coinpurse.support.PendingCheckout.uniqueUser;
import static coinpurse.support.StripeEvents.eventIdOf;
import static coinpurse.support.WebhookAssertions.assertAccepted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.FakeStripe;
import coinpurse.support.RunningServer;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import coinpurse.support.WebhookAssertions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.Stripe;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code charge.refunded}, {@code charge.dispute.created} and {@code charge.dispute.closed}
 * through real HTTP, signed, into the real app: a package is bought through the API and the
 * fake Stripe, then its coins are taken back (and given back) by the events Stripe would send.
 */
class RefundsAndDisputesTest {
    /** The "popular" built-in package: 500 + 50 coins for 19.99 USD. */
    static final long COINS_TOTAL = 550;
    static final long PRICE_CENTS = 1999;

    /** About 25 % and 60 % of 19.99, and what they take back: floor(550 × cents / 1999). */
    static final long QUARTER_CENTS = 500;
    static final long QUARTER_COINS = 137; // 137.57 rounded down; rounding would give 138
    static final long SIXTY_CENTS = 1199;
    static final long SIXTY_COINS = 329; // 329.89 rounded down; rounding would give 330

    private static final ObjectMapper JSON = new ObjectMapper();

    @RunningServer
    static TestServer server;

    // ---- refunds ----

    @Test
    void aFullRefundTakesEveryCoinBackAndMarksThePurchaseRefunded() {
        Purchase purchase = buy("full-refund");

        String refund = refundEvent(purchase, PRICE_CENTS);
        assertAccepted(server.deliver(refund));

        assertEquals(0, server.storedBalance(purchase.user()));
        assertBalanceIsTheLedgerSum(purchase);
        assertEquals(List.of(-COINS_TOTAL), deltas(purchase, "refund"));
        assertEquals("refunded", server.storedStatus(purchase.sessionId()));
        assertEquals(COINS_TOTAL, coinsReversed(purchase));
        assertEquals("updated", outcomeOf(refund));
        JsonNode status = TestServer.json(server.get("/api/payment/status/" + purchase.sessionId(), purchase.token()));
        assertEquals("refunded", status.get("status").asText());
        assertTrue(status.get("coins_added").isNull(), status.toString());
        JsonNode newest = TestServer.json(server.get("/api/coins/history?limit=1", purchase.token()))
                .get("entries").get(0);
        assertEquals("refund", newest.get("reason").asText());
        assertEquals(-COINS_TOTAL, newest.get("delta").asLong());
        assertEquals(purchase.sessionId(), newest.get("reference").asText());
    }

    @Test
    void partialRefundsOf25ThenCumulative60PercentTakeTheFlooredSharesInTwoRows() {
        Purchase purchase = buy("partial-refunds");

        assertAccepted(server.deliver(refundEvent(purchase, QUARTER_CENTS)));
        assertEquals(COINS_TOTAL - QUARTER_COINS, server.storedBalance(purchase.user()));

        assertAccepted(server.deliver(refundEvent(purchase, SIXTY_CENTS)));

        assertEquals(List.of(-QUARTER_COINS, -(SIXTY_COINS - QUARTER_COINS)), deltas(purchase, "refund"));
        assertEquals(COINS_TOTAL - SIXTY_COINS, server.storedBalance(purchase.user()));
        assertBalanceIsTheLedgerSum(purchase);
        assertEquals("completed", server.storedStatus(purchase.sessionId()));
        assertEquals(SIXTY_CENTS, amountRefunded(purchase));
    }

    @Test
    void theSameRefundEventDeliveredTwiceTakesCoinsOnce() {
        Purchase purchase = buy("refund-twice");
        String refund = refundEvent(purchase, QUARTER_CENTS);

        assertAccepted(server.deliver(refund));
        assertAccepted(server.deliver(refund));

        assertEquals(List.of(-QUARTER_COINS), deltas(purchase, "refund"));
        assertEquals(COINS_TOTAL - QUARTER_COINS, server.storedBalance(purchase.user()));
        assertBalanceIsTheLedgerSum(purchase);
    }

    @Test
    void aSecondEventWithTheSameCumulativeAmountTakesNothingMore() {
        Purchase purchase = buy("same-cumulative");
        String first = refundEvent(purchase, QUARTER_CENTS);
        String second = refundEvent(purchase, QUARTER_CENTS);

        assertAccepted(server.deliver(first));
        assertAccepted(server.deliver(second));

        assertEquals(List.of(-QUARTER_COINS), deltas(purchase, "refund"));
        assertEquals("already_done", outcomeOf(second));
        assertBalanceIsTheLedgerSum(purchase);
    }

    @Test
    void refundEventsOutOfOrderTakeOnlyTheLargerCumulativeShare() {
        Purchase purchase = buy("refund-out-of-order");
        String late = refundEvent(purchase, QUARTER_CENTS);
        String newer = refundEvent(purchase, SIXTY_CENTS);

        assertAccepted(server.deliver(newer));
        assertAccepted(server.deliver(late));

        assertEquals(List.of(-SIXTY_COINS), deltas(purchase, "refund"));
        assertEquals(COINS_TOTAL - SIXTY_COINS, server.storedBalance(purchase.user()));
        assertEquals(SIXTY_CENTS, amountRefunded(purchase), "the smaller, late amount must not lower it");
        assertEquals("already_done", outcomeOf(late));
        assertBalanceIsTheLedgerSum(purchase);
    }

    @Test
    void aRefundAfterTheUserSpentTheCoinsLeavesTheBalanceNegative() {
        Purchase purchase = buy("spent-then-refunded");
        server.deps().db().inTransaction(
                c -> server.coinBook().spend(c, purchase.user(), 500, "spend", "k-" + purchase.sessionId(), false));
        assertEquals(COINS_TOTAL - 500, server.storedBalance(purchase.user()));

        assertAccepted(server.deliver(refundEvent(purchase, PRICE_CENTS)));

        assertEquals(-500, server.storedBalance(purchase.user()));
        assertEquals(-500, TestServer.json(server.get("/api/coins/balance", purchase.token())).get("balance").asLong());
        assertEquals(List.of(-COINS_TOTAL), deltas(purchase, "refund"));
        assertBalanceIsTheLedgerSum(purchase);
    }

    @Test
    void aRefundOfAnUnknownPaymentIntentIsAcknowledgedKeptAndChangesNothing() {
        Purchase purchase = buy("unknown-intent");
        long ledgerRows = server.rowsIn("coin_ledger");
        String refund = StripeEvents.event(StripeEvents.newEventId(), "charge.refunded",
                StripeEvents.refundedCharge("pi_test_never_seen_here", PRICE_CENTS, PRICE_CENTS, "usd"),
                Stripe.API_VERSION);
        String dispute = disputeEvent("charge.dispute.created", "pi_test_never_seen_here", "needs_response");

        HttpResponse<String> refundAnswer = server.deliver(refund);
        HttpResponse<String> disputeAnswer = server.deliver(dispute);

        assertAccepted(refundAnswer);
        assertAccepted(disputeAnswer);
        assertEquals("kept", outcomeOf(refund));
        assertEquals("kept", outcomeOf(dispute));
        assertTrue(detailOf(refund).contains("pi_test_never_seen_here"), detailOf(refund));
        assertEquals(ledgerRows, server.rowsIn("coin_ledger"));
        assertEquals(COINS_TOTAL, server.storedBalance(purchase.user()));
        assertEquals("completed", server.storedStatus(purchase.sessionId()));
        assertEquals(0, coinsReversed(purchase));
        assertEquals(0, amountRefunded(purchase));
    }

    /**
     * A full refund, its failure, then a new full refund, where only {@code charge.refunded} arrives
     * for the new one (the endpoint is not subscribed to {@code refund.*}, or those events are
     * late): the new refund takes every coin (before, the failed refund was subtracted from the
     * charge's figure although Stripe's figure already left it out, and the coins stayed).
     */
    @Test
    void aNewFullRefundAfterAFailedOneTakesEveryCoinWhenOnlyChargeRefundedArrives() {
        Purchase purchase = buy("refund-after-failed");
        FakeStripe.Refund first = server.stripe().refund(purchase.paymentIntent(), PRICE_CENTS, "succeeded");
        assertAccepted(server.deliver(first.events().get(0)));
        assertEquals(0, server.storedBalance(purchase.user()));
        server.stripe().setRefundStatus(first.id(), "failed").stream()
                .filter(event -> TestServer.parse(event).get("type").asText().equals("refund.failed"))
                .forEach(event -> assertAccepted(server.deliver(event)));
        assertEquals(COINS_TOTAL, server.storedBalance(purchase.user()), "the failed refund gave the coins back");

        FakeStripe.Refund second = server.stripe().refund(purchase.paymentIntent(), PRICE_CENTS, "succeeded");
        assertAccepted(server.deliver(second.events().get(0)));

        assertEquals(0, server.storedBalance(purchase.user()));
        assertEquals("refunded", server.storedStatus(purchase.sessionId()));
        assertBalanceIsTheLedgerSum(purchase);
    }

    /** The same with partial refunds: 5.00, failed, 5.00 again take 137 coins in the end. */
    @Test
    void aNewPartialRefundAfterAFailedOneTakesItsShare() {
        Purchase purchase = buy("partial-after-failed");
        FakeStripe.Refund first = server.stripe().refund(purchase.paymentIntent(), QUARTER_CENTS, "succeeded");
        assertAccepted(server.deliver(first.events().get(0)));
        server.stripe().setRefundStatus(first.id(), "failed").forEach(event -> assertAccepted(server.deliver(event)));
        FakeStripe.Refund second = server.stripe().refund(purchase.paymentIntent(), QUARTER_CENTS, "succeeded");

        // Delivered late and out of order: the second refund's charge.refunded before the first's again.
        assertAccepted(server.deliver(second.events().get(0)));
        assertAccepted(server.deliver(first.events().get(0)));

        assertEquals(COINS_TOTAL - QUARTER_COINS, server.storedBalance(purchase.user()));
        assertEquals(QUARTER_CENTS, amountRefunded(purchase));
        assertBalanceIsTheLedgerSum(purchase);
    }

    /**
     * A refund event reads the payment's refunds from Stripe: while Stripe cannot answer, the event
     * is answered 503 and nothing is written, so Stripe delivers it again, and then it counts.
     */
    @Test
    void aRefundEventWhileStripeCannotAnswerIs503AndCountsWhenDeliveredAgain() {
        Purchase purchase = buy("refund-stripe-down");
        String refund = refundEvent(purchase, QUARTER_CENTS);
        server.stripe().dropConnections(true);
        try {
            HttpResponse<String> answer = server.deliver(refund);
            assertEquals(503, answer.statusCode(), answer.body());
            assertEquals("stripe_unavailable", TestServer.json(answer).get("error").asText());
        } finally {
            server.stripe().dropConnections(false);
        }
        assertEquals(0, server.processedEventRows(eventIdOf(refund)));
        assertEquals(COINS_TOTAL, server.storedBalance(purchase.user()));

        assertAccepted(server.deliver(refund));
        assertEquals(COINS_TOTAL - QUARTER_COINS, server.storedBalance(purchase.user()));
    }

    /** Without a Stripe key nothing can read the payment's refunds: 503, so that Stripe delivers again. */
    @Test
    void aRefundEventWithoutAStripeKeyIs503(@TempDir Path dir) {
        try (TestServer keyless = TestServer.startWithWebhookSecretOnly(dir)) {
            String refund = StripeEvents.event(StripeEvents.newEventId(), "charge.refunded",
                    StripeEvents.refundedCharge("pi_test_keyless", PRICE_CENTS, PRICE_CENTS, "usd"), Stripe.API_VERSION);

            HttpResponse<String> answer = keyless.deliver(refund);

            assertEquals(503, answer.statusCode(), answer.body());
            assertEquals(0, keyless.processedEventRows(eventIdOf(refund)));
        }
    }

    /**
     * An event today's rules ignored stays done: delivered again, it is not handled again (only
     * events that older rules ignored are taken up again, see UpgradeFromV2Test).
     */
    @Test
    void anEventIgnoredByTodaysRulesIsNotHandledAgain() {
        String ignored = StripeEvents.event(StripeEvents.newEventId(), "charge.refunded",
                JSON.createObjectNode().put("id", "ch_test_no_intent").put("object", "charge"), Stripe.API_VERSION);
        assertAccepted(server.deliver(ignored));
        assertEquals("ignored", outcomeOf(ignored));
        String processedAt = server.queryString("SELECT processed_at FROM processed_events WHERE event_id = ?",
                eventIdOf(ignored));

        assertAccepted(server.deliver(ignored));

        assertEquals(processedAt, server.queryString("SELECT processed_at FROM processed_events WHERE event_id = ?",
                eventIdOf(ignored)));
    }

    // ---- fields wider than their columns ----

    /**
     * A currency that is not three letters, or a status over 32 characters (the widths PostgreSQL keeps
     * them in; SQLite would keep anything), reads as missing, alike on both backends: the charge or
     * dispute is rejected as one without it (200, recorded, nothing kept or moved) where PostgreSQL
     * refused the row (a 500 that Stripe would deliver again for days), and a refund's currency, which
     * nothing reckons with, is kept as unknown.
     */
    @Test
    void aCurrencyOrStatusWiderThanItsColumnReadsAsMissingOnBothBackends() {
        Purchase purchase = buy("too-wide");
        String pi = purchase.paymentIntent();
        String wideStatus = "needs_response_" + "x".repeat(18);
        String charge = StripeEvents.event(StripeEvents.newEventId(), "charge.refunded",
                StripeEvents.refundedCharge(pi, PRICE_CENTS, PRICE_CENTS, "usdx"), Stripe.API_VERSION);
        String refund = refundObjectEvent(refundObject(pi, "re_test_wide_status_" + pi, "usd", "succeeded" + "x".repeat(24)));
        String dispute = disputeEvent("charge.dispute.created", pi, wideStatus);

        for (String event : List.of(charge, refund, dispute)) {
            assertAccepted(server.deliver(event));
            assertEquals("rejected", outcomeOf(event), event);
        }
        assertEquals(COINS_TOTAL, server.storedBalance(purchase.user()));
        assertEquals("completed", server.storedStatus(purchase.sessionId()));
        assertEquals(0, coinsReversed(purchase));
        for (String table : List.of("stripe_charges", "stripe_refunds", "stripe_disputes")) {
            assertEquals(0, server.queryLong("SELECT COUNT(*) FROM " + table + " WHERE payment_intent = ?", pi), table);
        }

        String wideCurrency = refundObjectEvent(refundObject(pi, "re_test_wide_currency_" + pi, "us dollars",
                "succeeded"));
        assertAccepted(server.deliver(wideCurrency));

        assertEquals(0, server.storedBalance(purchase.user()), "the refund counts; its currency is not needed");
        assertEquals(null, server.queryString("SELECT currency FROM stripe_refunds WHERE payment_intent = ?", pi));
        assertBalanceIsTheLedgerSum(purchase);
    }

    // ---- disputes ----

    @Test
    void aDisputeTakesEveryCoinBackAndMarksThePurchaseDisputed() {
        Purchase purchase = buy("dispute-open");

        assertAccepted(server.deliver(disputeEvent("charge.dispute.created", purchase.paymentIntent(),
                "needs_response")));

        assertEquals(0, server.storedBalance(purchase.user()));
        assertEquals(List.of(-COINS_TOTAL), deltas(purchase, "dispute"));
        assertEquals("open", disputeStatus(purchase));
        assertEquals(COINS_TOTAL, coinsReversed(purchase));
        assertBalanceIsTheLedgerSum(purchase);
    }

    @Test
    void aWonDisputeGivesTheCoinsBack() {
        Purchase purchase = buy("dispute-won");
        assertAccepted(server.deliver(disputeEvent("charge.dispute.created", purchase.paymentIntent(),
                "needs_response")));

        assertAccepted(server.deliver(disputeEvent("charge.dispute.closed", purchase.paymentIntent(), "won")));

        assertEquals(COINS_TOTAL, server.storedBalance(purchase.user()));
        assertEquals(List.of(-COINS_TOTAL), deltas(purchase, "dispute"));
        assertEquals(List.of(COINS_TOTAL), deltas(purchase, "dispute_won"));
        assertEquals("won", disputeStatus(purchase));
        assertEquals("completed", server.storedStatus(purchase.sessionId()));
        assertEquals(0, coinsReversed(purchase));
        assertBalanceIsTheLedgerSum(purchase);
    }

    @Test
    void aLostDisputeKeepsTheCoinsTakenAndTheStatusRouteSaysRefunded() {
        Purchase purchase = buy("dispute-lost");
        assertAccepted(server.deliver(disputeEvent("charge.dispute.created", purchase.paymentIntent(),
                "needs_response")));

        assertAccepted(server.deliver(disputeEvent("charge.dispute.closed", purchase.paymentIntent(), "lost")));

        assertEquals(0, server.storedBalance(purchase.user()));
        assertEquals(List.of(-COINS_TOTAL), deltas(purchase, "dispute"));
        assertEquals(List.of(), deltas(purchase, "dispute_won"));
        assertEquals("lost", disputeStatus(purchase));
        assertEquals("refunded", statusRoute(purchase));
        assertBalanceIsTheLedgerSum(purchase);
    }

    @Test
    void whileADisputeIsOpenTheStatusRouteStillSaysCompleted() {
        Purchase purchase = buy("dispute-status");

        assertAccepted(server.deliver(disputeEvent("charge.dispute.created", purchase.paymentIntent(),
                "needs_response")));

        assertEquals("open", disputeStatus(purchase));
        assertEquals("completed", statusRoute(purchase));
    }

    @Test
    void aRefundDuringAnOpenDisputeThenAWonDisputeLeavesOnlyTheRefundsShareTaken() {
        Purchase purchase = buy("refund-in-dispute");
        assertAccepted(server.deliver(disputeEvent("charge.dispute.created", purchase.paymentIntent(),
                "needs_response")));

        assertAccepted(server.deliver(refundEvent(purchase, QUARTER_CENTS)));
        assertEquals(0, server.storedBalance(purchase.user()), "the dispute holds every coin already");
        assertAccepted(server.deliver(disputeEvent("charge.dispute.closed", purchase.paymentIntent(), "won")));

        assertEquals(COINS_TOTAL - QUARTER_COINS, server.storedBalance(purchase.user()));
        assertEquals(List.of(COINS_TOTAL - QUARTER_COINS), deltas(purchase, "dispute_won"));
        assertEquals(QUARTER_COINS, coinsReversed(purchase));
        assertEquals("won", disputeStatus(purchase));
        assertBalanceIsTheLedgerSum(purchase);
    }

    @Test
    void aDisputeClosedAsWonBeforeItsCreatedEventArrivesTakesNothing() {
        Purchase purchase = buy("dispute-closed-first");

        assertAccepted(server.deliver(disputeEvent("charge.dispute.closed", purchase.paymentIntent(), "won")));
        assertAccepted(server.deliver(disputeEvent("charge.dispute.created", purchase.paymentIntent(),
                "needs_response")));

        assertEquals(COINS_TOTAL, server.storedBalance(purchase.user()));
        assertEquals(List.of(), deltas(purchase, "dispute"));
        assertEquals("won", disputeStatus(purchase));
        assertBalanceIsTheLedgerSum(purchase);
    }

    @Test
    void everyOrderOfDisputeAndRefundEventsEndsTheSame() {
        List<List<String>> orders = permutations(List.of("created", "refund25", "won", "refund60"));
        for (List<String> order : orders) {
            Purchase purchase = buy("order");
            for (String step : order) {
                String pi = purchase.paymentIntent();
                assertAccepted(server.deliver(switch (step) {
                    case "created" -> disputeEvent("charge.dispute.created", pi, "needs_response");
                    case "won" -> disputeEvent("charge.dispute.closed", pi, "won");
                    case "refund25" -> refundEvent(purchase, QUARTER_CENTS);
                    default -> refundEvent(purchase, SIXTY_CENTS);
                }));
            }
            assertEquals(COINS_TOTAL - SIXTY_COINS, server.storedBalance(purchase.user()), order.toString());
            assertEquals(SIXTY_COINS, coinsReversed(purchase), order.toString());
            assertEquals("won", disputeStatus(purchase), order.toString());
            assertBalanceIsTheLedgerSum(purchase);
        }
    }

    // ---- at the same time ----

    @Test
    void tenCumulativeRefundEventsDeliveredAtOnceTakeBackExactlyEveryCoin() throws Exception {
        Purchase purchase = buy("concurrent-refunds");
        List<String> events = new ArrayList<>();
        for (int tenth = 1; tenth <= 10; tenth++) {
            events.add(refundEvent(purchase, tenth == 10 ? PRICE_CENTS : PRICE_CENTS * tenth / 10));
        }

        List<HttpResponse<String>> answers = allAtOnce(events.size(), i -> () -> server.deliver(events.get(i)));

        answers.forEach(WebhookAssertions::assertAccepted);
        assertEquals(-COINS_TOTAL, deltas(purchase, "refund").stream().mapToLong(Long::longValue).sum());
        assertEquals(COINS_TOTAL, coinsReversed(purchase));
        assertEquals("refunded", server.storedStatus(purchase.sessionId()));
        assertEquals(PRICE_CENTS, amountRefunded(purchase));
        assertEquals(0, server.storedBalance(purchase.user()));
        assertBalanceIsTheLedgerSum(purchase);
    }

    @Test
    void refundsAndADisputeOpenedAndWonAllAtOnceEndAtTheLargestRefundsShare() throws Exception {
        Purchase purchase = buy("concurrent-mixed");
        List<String> events = new ArrayList<>();
        events.add(disputeEvent("charge.dispute.created", purchase.paymentIntent(), "needs_response"));
        events.add(disputeEvent("charge.dispute.closed", purchase.paymentIntent(), "won"));
        events.add(refundEvent(purchase, QUARTER_CENTS));
        events.add(refundEvent(purchase, SIXTY_CENTS));
        for (int i = 0; i < 4; i++) {
            events.add(refundEvent(purchase, PRICE_CENTS * (i + 1) / 10)); // 10 % to 40 %
        }

        List<HttpResponse<String>> answers = allAtOnce(events.size(), i -> () -> server.deliver(events.get(i)));

        answers.forEach(WebhookAssertions::assertAccepted);
        assertEquals(SIXTY_COINS, coinsReversed(purchase));
        assertEquals(COINS_TOTAL - SIXTY_COINS, server.storedBalance(purchase.user()));
        assertEquals("won", disputeStatus(purchase));
        assertEquals("completed", server.storedStatus(purchase.sessionId()));
        assertBalanceIsTheLedgerSum(purchase);
    }

    // ---- helpers ----

    /** A purchase of the "popular" package, paid and credited through the API, the fake and the webhook. */
    record Purchase(String user, String token, String sessionId, String paymentIntent) {}

    private static Purchase buy(String label) {
        String user = uniqueUser(label);
        String token = server.token(user);
        String sessionId = server.checkout(token, "popular");
        assertAccepted(server.deliver(server.paidEvent(sessionId)));
        assertEquals(COINS_TOTAL, server.storedBalance(user));
        String paymentIntent = server.storedPaymentIntent(sessionId);
        assertEquals(server.stripe().session(sessionId).get("payment_intent").asText(), paymentIntent);
        return new Purchase(user, token, sessionId, paymentIntent);
    }

    /**
     * Refunds the purchase at the fake Stripe up to {@code amountRefunded} cents in all (a new
     * refund of the difference, or none when that much is refunded already) and returns the
     * {@code charge.refunded} event Stripe sends for it, the charge's cumulative figure in it.
     */
    private static String refundEvent(Purchase purchase, long amountRefunded) {
        String chargeId = server.stripe().chargeIdOf(purchase.paymentIntent());
        long refundedNow = server.stripe().charge(chargeId).get("amount_refunded").asLong();
        if (amountRefunded > refundedNow) {
            return server.stripe().refund(purchase.paymentIntent(), amountRefunded - refundedNow, "succeeded")
                    .events().get(0);
        }
        return server.stripe().emit("charge.refunded", server.stripe().charge(chargeId));
    }

    /** A {@code charge.dispute.*} event for the whole charge, shaped as Stripe sends it. */
    /** An event of the one dispute these tests open on a payment (a second dispute has another id). */
    private static String disputeEvent(String type, String paymentIntent, String status) {
        ObjectNode dispute = JSON.createObjectNode()
                .put("id", "dp_test_" + paymentIntent)
                .put("object", "dispute")
                .put("amount", PRICE_CENTS)
                .put("charge", "ch_test_" + UUID.randomUUID().toString().replace("-", ""))
                .put("created", Instant.now().getEpochSecond())
                .put("currency", "usd")
                .put("is_charge_refundable", false)
                .put("livemode", false)
                .put("payment_intent", paymentIntent)
                .put("reason", "fraudulent")
                .put("status", status);
        return StripeEvents.event(StripeEvents.newEventId(), type, dispute, Stripe.API_VERSION);
    }

    /** A whole refund of the "popular" package, as a {@code refund.*} event carries it. */
    private static ObjectNode refundObject(String paymentIntent, String refundId, String currency, String status) {
        return JSON.createObjectNode()
                .put("id", refundId)
                .put("object", "refund")
                .put("amount", PRICE_CENTS)
                .put("currency", currency)
                .put("payment_intent", paymentIntent)
                .put("status", status);
    }

    private static String refundObjectEvent(ObjectNode refund) {
        return StripeEvents.event(StripeEvents.newEventId(), "refund.updated", refund, Stripe.API_VERSION);
    }

    /** The stored balance, the API's balance and the ledger's sum all agree. */
    private static void assertBalanceIsTheLedgerSum(Purchase purchase) {
        long stored = server.storedBalance(purchase.user());
        assertEquals(server.ledgerSum(purchase.user()), stored);
        assertEquals(stored, TestServer.json(server.get("/api/coins/balance", purchase.token()))
                .get("balance").asLong());
    }

    /** The deltas of the purchase's ledger rows with {@code reason}, oldest first. */
    private static List<Long> deltas(Purchase purchase, String reason) {
        try (Connection connection = server.deps().db().dataSource().getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT delta FROM coin_ledger WHERE reference = ? AND reason = ? ORDER BY id")) {
            query.setString(1, purchase.sessionId());
            query.setString(2, reason);
            try (ResultSet rows = query.executeQuery()) {
                List<Long> deltas = new ArrayList<>();
                while (rows.next()) {
                    deltas.add(rows.getLong(1));
                }
                return deltas;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long coinsReversed(Purchase purchase) {
        return server.queryLong("SELECT coins_reversed FROM payment_sessions WHERE session_id = ?",
                purchase.sessionId());
    }

    private static long amountRefunded(Purchase purchase) {
        return server.queryLong("SELECT amount_refunded FROM payment_sessions WHERE session_id = ?",
                purchase.sessionId());
    }

    private static String disputeStatus(Purchase purchase) {
        return server.queryString("SELECT dispute_status FROM payment_sessions WHERE session_id = ?",
                purchase.sessionId());
    }

    private static String statusRoute(Purchase purchase) {
        HttpResponse<String> response = server.get("/api/payment/status/" + purchase.sessionId(), purchase.token());
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.json(response).get("status").asText();
    }

    private static String outcomeOf(String event) {
        return server.eventOutcome(eventIdOf(event));
    }

    private static String detailOf(String event) {
        return server.queryString("SELECT detail FROM processed_events WHERE event_id = ?", eventIdOf(event));
    }

    private static List<List<String>> permutations(List<String> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<String>> all = new ArrayList<>();
        for (String first : items) {
            List<String> rest = new ArrayList<>(items);
            rest.remove(first);
            for (List<String> tail : permutations(rest)) {
                List<String> order = new ArrayList<>();
                order.add(first);
                order.addAll(tail);
                all.add(order);
            }
        }
        return all;
    }
}
