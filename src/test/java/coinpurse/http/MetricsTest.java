package coinpurse.http;

import static coinpurse.support.JsonAssertions.assertError;
import static coinpurse.support.StripeEvents.eventIdOf;
import static coinpurse.support.WebhookAssertions.assertAccepted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.FakeStripe;
import coinpurse.support.PendingCheckout;
import coinpurse.support.PrometheusScrape;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} on a real server with {@code metrics.enabled}: the counters move by exactly
 * what a purchase, a refund, spends and grants did, once each, and only once committed; the route
 * wants the internal API key, and without {@code metrics.enabled} it does not exist.
 */
class MetricsTest {
    private static final String API_KEY = "metrics-test-key-0123456789";
    /** The "popular" built-in package: 500 + 50 coins for 19.99 USD; 5.00 refunded takes floor(550 × 500 / 1999). */
    private static final long COINS_TOTAL = 550;
    private static final long REFUND_CENTS = 500;
    private static final long REFUND_COINS = 137;

    @RunningServer(env = {"METRICS_ENABLED=true", "INTERNAL_API_KEY=" + API_KEY})
    static TestServer server;

    @Test
    void aPurchaseAndARefundMoveTheCountersByExactlyWhatHappened() {
        PrometheusScrape before = scrape();

        PendingCheckout checkout = PendingCheckout.create(server, "metrics-buyer");
        String paid = server.paidEvent(checkout.sessionId());
        assertAccepted(server.deliver(paid));
        assertAccepted(server.deliver(paid));
        FakeStripe.Refund refund = server.stripe().refund(
                server.stripe().paymentIntentOf(checkout.sessionId()), REFUND_CENTS, "succeeded");
        for (String event : refund.events()) {
            assertAccepted(server.deliver(event));
        }
        assertEquals(400, server.deliver(paid, "t=1,v1=forged").statusCode());
        assertEquals(200, server.get("/api/payment/status/" + checkout.sessionId(), checkout.token()).statusCode());
        assertEquals(404, server.get("/no-such-route/" + checkout.sessionId(), null).statusCode());

        PrometheusScrape after = scrape();
        assertEquals(COINS_TOTAL - REFUND_COINS, server.storedBalance(checkout.userId()));
        Delta delta = new Delta(before, after);
        assertEquals(1, delta.of("coinpurse_purchases_total"));
        assertEquals(COINS_TOTAL, delta.of("coinpurse_coins_credited_total"));
        assertEquals(REFUND_COINS, delta.of("coinpurse_coins_taken_back_total", "reason", "refund"));
        assertEquals(0, delta.of("coinpurse_coins_taken_back_total", "reason", "dispute"));
        assertEquals(0, delta.of("coinpurse_coins_given_back_total"));

        String completed = "checkout.session.completed";
        assertEquals(1, delta.of("coinpurse_webhook_events_total", "type", completed, "outcome", "credited"));
        assertEquals(1, delta.of("coinpurse_webhook_events_total", "type", completed, "outcome", "already_done"));
        assertEquals(1, delta.of("coinpurse_webhook_events_total", "type", "charge.refunded", "outcome", "updated"));
        for (String event : refund.events()) {
            String type = TestServer.parse(event).get("type").asText();
            String outcome = server.eventOutcome(eventIdOf(event));
            assertTrue(delta.of("coinpurse_webhook_events_total", "type", type, "outcome", outcome) >= 1,
                    type + " " + outcome);
        }
        assertEquals(1, delta.of("coinpurse_webhook_events_total", "type", "unverified",
                "outcome", "invalid_signature"));
        assertEquals(5, delta.of("coinpurse_webhook_events_total"));

        String requests = "coinpurse_http_server_requests_seconds_count";
        assertEquals(1, delta.of(requests, "method", "POST", "route", "/api/payment/create-checkout-session",
                "status", "200"));
        assertEquals(4, delta.of(requests, "route", "/api/payment/webhook", "status", "200"));
        assertEquals(1, delta.of(requests, "route", "/api/payment/webhook", "status", "400"));
        assertEquals(1, delta.of(requests, "method", "GET", "route", "/api/payment/status/{session_id}",
                "status", "200"));
        assertEquals(1, delta.of(requests, "method", "GET", "route", "unmatched", "status", "404"));
        assertEquals(0, after.value(requests, "route", "/no-such-route/" + checkout.sessionId()));
        // The scrape "before" itself, counted once its answer was written.
        assertEquals(1, delta.of(requests, "route", "/metrics", "status", "200"));
        assertEquals(9, delta.of(requests));
        assertEquals(9, delta.of("coinpurse_http_server_requests_seconds_bucket", "le", "+Inf"));

        assertEquals(1, delta.of("coinpurse_stripe_request_seconds_count",
                "operation", "create_checkout_session", "outcome", "ok"));
        // Each of the refund's two events read the payment's refunds from Stripe.
        assertEquals(2, delta.of("coinpurse_stripe_request_seconds_count",
                "operation", "list_refunds", "outcome", "ok"));
        assertEquals(3, delta.of("coinpurse_stripe_request_seconds_count"));

        // Checkout and its rate limit, two events that moved coins, two found done: at least 4 commits.
        double commits = delta.of("coinpurse_db_commit_seconds_count",
                "backend", TestServer.onPostgres() ? "postgresql" : "sqlite");
        assertTrue(commits >= 4, "commits: " + commits);
        double batched = delta.of("coinpurse_db_commit_batch_transactions_sum");
        if (TestServer.onPostgres()) {
            assertEquals(0, batched);
        } else {
            assertEquals(commits, delta.of("coinpurse_db_commit_batch_transactions_count"));
            assertTrue(batched >= commits, "transactions " + batched + " in " + commits + " commits");
        }
    }

    @Test
    void spendsAndGrantsCountOnceEachAndNotWhenRefusedOrRepeated() {
        PrometheusScrape before = scrape();
        String user = PendingCheckout.uniqueUser("metrics-wallet");

        assertEquals(200, internal("grant", user, 100, user + "-grant").statusCode());
        assertEquals(200, internal("grant", user, 100, user + "-grant").statusCode());
        assertEquals(200, internal("spend", user, 30, user + "-spend").statusCode());
        assertEquals(409, internal("spend", user, 1000, user + "-too-much").statusCode());

        Delta delta = new Delta(before, scrape());
        assertEquals(1, delta.of("coinpurse_grants_total"));
        assertEquals(100, delta.of("coinpurse_coins_granted_total"));
        assertEquals(1, delta.of("coinpurse_spends_total"));
        assertEquals(30, delta.of("coinpurse_coins_spent_total"));
        assertEquals(70, server.storedBalance(user));
    }

    /**
     * Everything the event does is written, then COMMIT itself fails (a deferred foreign key that a
     * trigger violates): the failure is counted as such, and the coins only by the delivery that commits.
     */
    @Test
    void anEventWhoseCommitFailedCountsItsCoinsOnlyWhenRedelivered() throws SQLException {
        PendingCheckout checkout = PendingCheckout.create(server, "metrics-rollback");
        String paid = server.paidEvent(checkout.sessionId());
        PrometheusScrape before = scrape();

        blockCommitsThatRecordAnEvent();
        try {
            assertError(server.deliver(paid), 500, "not_processed");
        } finally {
            unblockCommits();
        }
        Delta failed = new Delta(before, scrape());
        assertAccepted(server.deliver(paid));
        Delta done = new Delta(before, scrape());

        String completed = "checkout.session.completed";
        assertEquals(1, failed.of("coinpurse_webhook_events_total", "type", completed, "outcome", "not_committed"));
        assertEquals(0, failed.of("coinpurse_webhook_events_total", "type", completed, "outcome", "credited"));
        assertEquals(0, failed.of("coinpurse_purchases_total"));
        assertEquals(0, failed.of("coinpurse_coins_credited_total"));
        assertEquals(1, done.of("coinpurse_webhook_events_total", "type", completed, "outcome", "credited"));
        assertEquals(1, done.of("coinpurse_purchases_total"));
        assertEquals(COINS_TOTAL, done.of("coinpurse_coins_credited_total"));
        assertEquals(COINS_TOTAL, server.storedBalance(checkout.userId()));
    }

    @Test
    void theScrapeIsPrometheusTextWithTheJvmsMemoryAndThreads() {
        HttpResponse<String> answer = server.get("/metrics", API_KEY);

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                answer.headers().firstValue("Content-Type").orElse(""));
        PrometheusScrape scrape = PrometheusScrape.parse(answer.body());
        assertTrue(scrape.value("jvm_memory_used_bytes", "area", "heap") > 0, "heap in use");
        assertTrue(scrape.value("jvm_threads_live_threads") > 0, "live threads");
        assertTrue(answer.body().contains("# TYPE coinpurse_purchases_total counter"), answer.body());
        assertTrue(answer.body().contains("# TYPE coinpurse_db_commit_seconds histogram"), answer.body());
        for (PrometheusScrape.Sample sample : scrape.samples()) {
            assertTrue(sample.name().matches("(coinpurse|jvm|process|system)_[a-z0-9_]+"), sample.name());
        }
    }

    @Test
    void withoutTheKeyOrWithAnotherOneMetricsIs401JsonLikeTheInternalRoutes() {
        assertError(server.get("/metrics", null), 401, "unauthorized");
        assertError(server.get("/metrics", API_KEY + "x"), 401, "unauthorized");
        assertError(server.get("/metrics", API_KEY.toUpperCase()), 401, "unauthorized");
        assertError(server.get("/metrics", server.token("metrics-user")), 401, "unauthorized");
    }

    @Test
    void withoutMetricsEnabledMetricsAnswersAsAnUnknownRoute(@TempDir Path otherDir) {
        try (TestServer plain = TestServer.start(otherDir, Map.of("INTERNAL_API_KEY", API_KEY))) {
            HttpResponse<String> answer = plain.get("/metrics", API_KEY);
            HttpResponse<String> unknown = plain.get("/metrics-nothing-here", API_KEY);

            assertError(answer, 404, "not_found");
            assertEquals(unknown.body().replace("/metrics-nothing-here", "/metrics"), answer.body());
        }
    }

    // ---- helpers ----

    private static PrometheusScrape scrape() {
        HttpResponse<String> answer = server.get("/metrics", API_KEY);
        assertEquals(200, answer.statusCode(), answer.body());
        return PrometheusScrape.parse(answer.body());
    }

    /** How much a series (or the sum of the series matching some labels) grew between two scrapes. */
    private record Delta(PrometheusScrape before, PrometheusScrape after) {
        double of(String name, String... labelPairs) {
            return after.value(name, labelPairs) - before.value(name, labelPairs);
        }
    }

    private static HttpResponse<String> internal(String kind, String user, long amount, String key) {
        return server.post("/api/internal/coins/" + kind, "{\"user_id\": \"" + user + "\", \"amount\": " + amount
                + ", \"idempotency_key\": \"" + key + "\", \"reason\": \"metrics test\"}", API_KEY);
    }

    private static void blockCommitsThatRecordAnEvent() throws SQLException {
        sql("CREATE TABLE commit_gate (id TEXT PRIMARY KEY)");
        sql("""
                CREATE TABLE commit_blocker (
                    gate TEXT NOT NULL REFERENCES commit_gate (id) DEFERRABLE INITIALLY DEFERRED)""");
        if (TestServer.onPostgres()) {
            sql("""
                    CREATE FUNCTION block_commit() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN INSERT INTO commit_blocker (gate) VALUES ('closed'); RETURN NEW; END $$""");
            sql("""
                    CREATE TRIGGER block_commit AFTER INSERT ON processed_events
                    FOR EACH ROW EXECUTE FUNCTION block_commit()""");
        } else {
            sql("""
                    CREATE TRIGGER block_commit AFTER INSERT ON processed_events
                    BEGIN INSERT INTO commit_blocker (gate) VALUES ('closed'); END""");
        }
    }

    private static void unblockCommits() throws SQLException {
        sql(TestServer.onPostgres() ? "DROP TRIGGER block_commit ON processed_events" : "DROP TRIGGER block_commit");
        if (TestServer.onPostgres()) {
            sql("DROP FUNCTION block_commit()");
        }
        sql("DROP TABLE commit_blocker");
        sql("DROP TABLE commit_gate");
    }

    /** Runs DDL on the server's own database, SQLite or PostgreSQL, through its own pool. */
    private static void sql(String statement) throws SQLException {
        try (Connection connection = server.deps().db().dataSource().getConnection();
                Statement sql = connection.createStatement()) {
            sql.execute(statement);
        }
    }
}
