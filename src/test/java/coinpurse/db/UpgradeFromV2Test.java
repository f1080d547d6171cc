package coinpurse.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.ChildRun;
import coinpurse.support.CliRun;
import coinpurse.support.FakeStripe;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestPostgres;
import coinpurse.support.TestServer;
import coinpurse.support.UpgradeFixture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.Stripe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A database written by the server of schema V2 (src/test/resources/upgrade/coinpurse-v2.db, made
 * through the real server's routes; see the README beside it) keeps every balance, session,
 * ledger entry, wallet operation and processed event when {@link Database#open} upgrades it in place,
 * and gets its lots from its own ledger at the first start (wallet/LotsFromHistory), on SQLite and on
 * PostgreSQL: the upgraded database then verifies clean.
 */
class UpgradeFromV2Test {
    private static final String FIXTURE = "/upgrade/coinpurse-v2.db";
    private static final String IGNORED_FIXTURE = "/upgrade/coinpurse-v2-ignored.db";
    private static final String IGNORED_STORY = "/upgrade/coinpurse-v2-ignored.json";

    /** Every table of schema V2 (Flyway's own aside), every column it has in V2, and its primary key. */
    private static final Map<String, Table> V2_TABLES = tables(
            new Table("users", "id", List.of("id", "balance", "created_at")),
            new Table("payment_sessions", "session_id", List.of(
                    "session_id", "user_id", "package_id", "amount_cents", "currency", "coins", "bonus",
                    "status", "payment_intent", "created_at", "updated_at", "completed_at",
                    "amount_refunded", "coins_reversed", "dispute_status")),
            new Table("coin_ledger", "id", List.of(
                    "id", "user_id", "delta", "balance_after", "reason", "reference", "created_at")),
            new Table("wallet_operations", "idempotency_key", List.of(
                    "idempotency_key", "kind", "user_id", "amount", "reason", "ledger_entry_id",
                    "balance_after", "created_at")),
            new Table("processed_events", "event_id", List.of(
                    "event_id", "type", "session_id", "outcome", "detail", "processed_at")));

    private static final List<String> HISTORY_COLUMNS = List.of(
            "installed_rank", "version", "description", "type", "script", "checksum", "installed_on", "success");

    private record Table(String name, String primaryKey, List<String> columns) {}

    @TempDir
    Path dir;

    private Path copy;

    @BeforeEach
    void copyTheFixture() throws IOException {
        copy = dir.resolve("coinpurse.db");
        try (InputStream fixture = UpgradeFromV2Test.class.getResourceAsStream(FIXTURE)) {
            assertNotNull(fixture, FIXTURE + " is not on the test classpath");
            Files.copy(fixture, copy);
        }
    }

    @Test
    void theFixtureIsAV2DatabaseWithEveryKindOfRowTheReadmeNames() throws SQLException {
        try (Connection connection = connect(copy)) {
            assertEquals(2, maxSuccessfulVersion(connection), "the fixture must stay a V2 database");
            for (Table table : V2_TABLES.values()) {
                assertEquals(Set.copyOf(table.columns()), columnsOf(connection, table.name()),
                        "columns of " + table.name() + " in the fixture");
            }
            Map<String, List<Map<String, Object>>> rows = readAll(connection);

            List<Map<String, Object>> users = rows.get("users");
            assertTrue(users.size() >= 5, "at least five users");
            assertTrue(users.stream().anyMatch(u -> ((Number) u.get("balance")).longValue() < 0),
                    "a user whose balance went below zero after a refund or dispute");

            List<Map<String, Object>> sessions = rows.get("payment_sessions");
            assertHas(sessions, "a pending session", s -> "pending".equals(s.get("status")));
            assertHas(sessions, "an expired session", s -> "expired".equals(s.get("status")));
            assertHas(sessions, "a completed purchase never refunded or disputed",
                    s -> "completed".equals(s.get("status")) && num(s, "amount_refunded") == 0
                            && num(s, "coins_reversed") == 0 && s.get("dispute_status") == null);
            assertHas(sessions, "a partial refund", s -> "completed".equals(s.get("status"))
                    && num(s, "amount_refunded") > 0 && num(s, "amount_refunded") < num(s, "amount_cents")
                    && num(s, "coins_reversed") > 0 && s.get("dispute_status") == null);
            assertHas(sessions, "a full refund", s -> "refunded".equals(s.get("status"))
                    && num(s, "amount_refunded") == num(s, "amount_cents")
                    && num(s, "coins_reversed") == num(s, "coins") + num(s, "bonus"));
            assertHas(sessions, "a dispute left open", s -> "open".equals(s.get("dispute_status"))
                    && num(s, "coins_reversed") == num(s, "coins") + num(s, "bonus"));
            assertHas(sessions, "a dispute won", s -> "won".equals(s.get("dispute_status"))
                    && "completed".equals(s.get("status")) && num(s, "coins_reversed") == 0);
            assertHas(sessions, "a dispute lost", s -> "lost".equals(s.get("dispute_status"))
                    && "refunded".equals(s.get("status")));
            assertEquals(Set.of("starter", "popular", "best_value"),
                    sessions.stream().map(s -> s.get("package_id")).collect(Collectors.toSet()),
                    "purchases of every built-in package");
            List<Map<String, Object>> paid = sessions.stream()
                    .filter(s -> Set.of("completed", "refunded").contains(s.get("status"))).toList();
            assertTrue(paid.size() >= 6, "at least six paid purchases");
            for (Map<String, Object> s : paid) {
                assertTrue(String.valueOf(s.get("payment_intent")).startsWith("pi_"), "payment intent of " + s);
                assertNotNull(s.get("completed_at"), "completed_at of " + s);
            }
            assertEquals(paid.size(), paid.stream().map(s -> s.get("payment_intent")).distinct().count(),
                    "one payment intent per purchase");

            assertEquals(Set.of("grant", "spend", "purchase", "refund", "dispute", "dispute_won"),
                    rows.get("coin_ledger").stream().map(e -> e.get("reason")).collect(Collectors.toSet()),
                    "ledger reasons");
            List<Map<String, Object>> operations = rows.get("wallet_operations");
            assertEquals(Set.of("grant", "spend"),
                    operations.stream().map(o -> o.get("kind")).collect(Collectors.toSet()), "wallet operations");
            assertHas(operations, "a wallet operation without a reason", o -> o.get("reason") == null);
            assertEquals(Set.of("checkout.session.completed", "checkout.session.expired", "charge.refunded",
                            "charge.dispute.created", "charge.dispute.closed"),
                    rows.get("processed_events").stream().map(e -> e.get("type")).collect(Collectors.toSet()),
                    "processed event types");
            assertBalancesAreTheLedgerSums(rows);
        }
    }

    @Test
    void upgradingInPlaceKeepsEveryRowAndEndsAtTheLatestVersion() throws SQLException {
        Map<String, List<Map<String, Object>>> before;
        List<Map<String, Object>> historyBefore;
        try (Connection connection = connect(copy)) {
            before = readAll(connection);
            historyBefore = history(connection);
        }

        try (Database db = Database.open(copy)) {
            assertEquals(Migrations.LATEST_VERSION, Migrations.appliedVersion(db.dataSource()));
        }

        try (Connection connection = connect(copy)) {
            Map<String, List<Map<String, Object>>> after = readAll(connection);
            for (String table : V2_TABLES.keySet()) {
                assertEquals(before.get(table).size(), after.get(table).size(), "rows of " + table);
                assertEquals(before.get(table), after.get(table), "rows of " + table);
            }
            assertBalancesAreTheLedgerSums(after);

            List<Map<String, Object>> historyAfter = history(connection);
            assertEquals(historyBefore, historyAfter.subList(0, historyBefore.size()),
                    "the V1 and V2 entries of flyway_schema_history are kept as they were");
            assertTrue(historyAfter.stream().allMatch(h -> num(h, "success") == 1),
                    "every migration succeeded: " + historyAfter);
            assertEquals(String.valueOf(Migrations.LATEST_VERSION),
                    historyAfter.get(historyAfter.size() - 1).get("version"), "the last migration applied");
            assertEquals(Migrations.LATEST_VERSION, maxSuccessfulVersion(connection));

            assertEquals(List.of("ok"), strings(connection, "PRAGMA integrity_check"));
            assertEquals(List.of(), strings(connection, "PRAGMA foreign_key_check"));
        }
    }

    /**
     * What V2 had applied carries over into the new records, so Stripe's next events about those
     * payments move only what is new: the same partial refund read again takes nothing (Stripe's list
     * of the payment's refunds replaces the placeholder of V2's figure), the open dispute (kept without
     * an id in V2) closes as won by its real id and gives the coins back once, and the already-won
     * dispute gives nothing twice.
     */
    @ParameterizedTest(name = "on PostgreSQL: {0}")
    @ValueSource(booleans = {false, true})
    void eventsAfterTheUpgradeMoveOnlyWhatIsNew(boolean postgres) {
        try (TestServer server = UpgradeFixture.serve(dir.resolve("served"), FIXTURE, postgres, Map.of())) {
            server.stripe().load(partialRefundOfU1AtStripe());
            String sameRefund = server.stripe().emit("charge.refunded",
                    (ObjectNode) server.stripe().charge("ch_test_fx_u1_starter"));
            assertEquals(200, server.deliver(sameRefund).statusCode());
            assertEquals(2460, server.storedBalance("u1"));
            assertEquals(0, server.queryLong("SELECT COUNT(*) FROM stripe_refunds WHERE refund_id LIKE 'legacy:%'"
                    + " AND payment_intent = 'pi_test_fx_u1_starter'"), "Stripe's list replaced V2's figure");

            assertEquals(200, server.deliver(disputeEvent("charge.dispute.closed", "dp_test_fx_u3",
                    "pi_test_fx_u3_popular", "won")).statusCode());
            assertEquals(200, server.deliver(disputeEvent("charge.dispute.funds_reinstated", "dp_test_fx_u3",
                    "pi_test_fx_u3_popular", "won")).statusCode());
            assertEquals(50 + 550, server.storedBalance("u3"));

            assertEquals(200, server.deliver(disputeEvent("charge.dispute.funds_reinstated", "dp_test_fx_u4",
                    "pi_test_fx_u4_popular", "won")).statusCode());
            assertEquals(630, server.storedBalance("u4"));

            for (String user : List.of("u1", "u2", "u3", "u4", "u5")) {
                assertEquals(server.ledgerSum(user), server.storedBalance(user), user);
            }
        }
    }

    /**
     * u4's dispute was won under V2 (kept as a closed legacy record). A new dispute on the same
     * payment, opened after the upgrade, is a dispute of its own: it takes the coins, and lost, keeps
     * them (before, the new dispute took the closed legacy record over and moved nothing).
     */
    @ParameterizedTest(name = "on PostgreSQL: {0}")
    @ValueSource(booleans = {false, true})
    void aNewDisputeAfterAWonLegacyDisputeTakesTheCoinsAndKeepsThemWhenLost(boolean postgres) {
        try (TestServer server = UpgradeFixture.serve(dir.resolve("served"), FIXTURE, postgres, Map.of())) {
            String created = disputeEvent("charge.dispute.created", "dp_test_new_u4", "pi_test_fx_u4_popular",
                    "needs_response", Instant.now().getEpochSecond());
            assertEquals(200, server.deliver(created).statusCode());
            assertEquals(630 - 550, server.storedBalance("u4"));

            String lost = disputeEvent("charge.dispute.closed", "dp_test_new_u4", "pi_test_fx_u4_popular", "lost",
                    Instant.now().getEpochSecond());
            assertEquals(200, server.deliver(lost).statusCode());
            assertEquals(630 - 550, server.storedBalance("u4"));
            assertEquals("refunded", server.storedStatus("cs_test_fx_u4_popular"));
            assertEquals(server.ledgerSum("u4"), server.storedBalance("u4"));
        }
    }

    // ---- the second fixture: what the first server acknowledged and ignored ----

    /** Each user's balance in coinpurse-v2-ignored.db, and what it must be once the ignored events count. */
    private static final Map<String, Long> IGNORED_BEFORE = Map.of(
            "v1", 550L, "v2", 0L, "v3", 413L, "v4", 1400L, "v5", 100L, "v6", 625L);
    private static final Map<String, Long> IGNORED_APPLIED = Map.of(
            "v1", 550L, "v2", 550L, "v3", 550L, "v4", 0L, "v5", 100L, "v6", 625L);

    /**
     * Every event the first server received, resent (as from Stripe's Dashboard) after the upgrade:
     * those it ignored although they mattered are applied now (v2's and v3's failed refunds give the
     * coins back, v4's refund that came before its purchase takes them, v5's early fraud warning is
     * recorded), once: the same events resent again change nothing, nor do those it handled.
     */
    @ParameterizedTest(name = "on PostgreSQL: {0}")
    @ValueSource(booleans = {false, true})
    void eventsTheOldServerIgnoredAreAppliedOnceWhenResent(boolean postgres) {
        JsonNode story = UpgradeFixture.story(IGNORED_STORY);
        try (TestServer server = UpgradeFixture.serve(dir.resolve("served"), IGNORED_FIXTURE, postgres, Map.of())) {
            server.stripe().load(story.get("stripe"));
            assertBalances(server, IGNORED_BEFORE);

            for (UpgradeFixture.OldEvent event : UpgradeFixture.events(story)) {
                assertEquals(200, server.deliver(event.payload()).statusCode(), event.id());
            }
            assertBalances(server, IGNORED_APPLIED);
            assertEquals("refunded", server.storedStatus("cs_test_ig_v4_best"));
            assertEquals("completed", server.storedStatus("cs_test_ig_v2_popular"));
            // The first of v2's refund events the old server ignored reads Stripe's list, where the refund failed.
            assertEquals("updated", server.eventOutcome("evt_test_ig_v2_popular_refund_created"));
            assertEquals("already_done", server.eventOutcome("evt_test_ig_v2_popular_refund_failed"));
            assertEquals("updated", server.eventOutcome("evt_test_ig_v4_best_charge_refunded"));
            assertEquals(0, server.queryLong("SELECT COUNT(*) FROM processed_events WHERE rules_version IS NULL"
                    + " AND outcome = 'ignored'"), "every event the old rules ignored was handled again");
            assertEquals(1, server.queryLong("SELECT COUNT(*) FROM stripe_fraud_warnings WHERE warning_id = ?",
                    "issfr_test_ig_v5_starter"));
            long rows = server.rowsIn("coin_ledger");

            for (UpgradeFixture.OldEvent event : UpgradeFixture.events(story)) {
                assertEquals(200, server.deliver(event.payload()).statusCode(), event.id());
            }
            assertBalances(server, IGNORED_APPLIED);
            assertEquals(rows, server.rowsIn("coin_ledger"), "nothing is applied twice");
        }
    }

    /** The same through {@code reconcile}, which finds the events in Stripe's Events API: applied once. */
    @ParameterizedTest(name = "on PostgreSQL: {0}")
    @ValueSource(booleans = {false, true})
    void reconcileAppliesWhatTheOldServerIgnoredOnce(boolean postgres) {
        JsonNode story = UpgradeFixture.story(IGNORED_STORY);
        try (TestServer server = UpgradeFixture.serve(dir.resolve("served"), IGNORED_FIXTURE, postgres, Map.of())) {
            server.stripe().load(story.get("stripe"));
            List<UpgradeFixture.OldEvent> events = UpgradeFixture.events(story);
            long now = Instant.now().getEpochSecond();
            for (int i = 0; i < events.size(); i++) {
                server.stripe().logEvent(events.get(i).payload(), now - events.size() + i);
            }
            Path config = server.writeCliConfig(dir.resolve("reconcile.properties"));

            CliRun first = CliRun.run("reconcile", "--config", config.toString());
            assertEquals(0, first.exit(), first.err());
            assertBalances(server, IGNORED_APPLIED);
            long rows = server.rowsIn("coin_ledger");

            CliRun second = CliRun.run("reconcile", "--config", config.toString());
            assertEquals(0, second.exit(), second.err());
            assertTrue(second.out().contains("0 replayed"), second.out());
            assertBalances(server, IGNORED_APPLIED);
            assertEquals(rows, server.rowsIn("coin_ledger"));
        }
    }

    /**
     * v1's dispute was won under the first server, whose later events of it (funds withdrawn,
     * updated, reinstated) it ignored. Resent, they change nothing (they are that same dispute);
     * a new dispute, lost, takes the coins and keeps them.
     */
    @ParameterizedTest(name = "on PostgreSQL: {0}")
    @ValueSource(booleans = {false, true})
    void theWonDisputesIgnoredEventsChangeNothingAndANewLostDisputeTakesTheCoins(boolean postgres) {
        JsonNode story = UpgradeFixture.story(IGNORED_STORY);
        try (TestServer server = UpgradeFixture.serve(dir.resolve("served"), IGNORED_FIXTURE, postgres, Map.of())) {
            server.stripe().load(story.get("stripe"));
            for (UpgradeFixture.OldEvent event : UpgradeFixture.events(story)) {
                if (event.id().startsWith("evt_test_ig_v1_") && event.outcome().equals("ignored")) {
                    assertEquals(200, server.deliver(event.payload()).statusCode(), event.id());
                    assertEquals(550, server.storedBalance("v1"), event.id());
                }
            }
            assertEquals(1, server.queryLong("SELECT COUNT(*) FROM coin_ledger WHERE user_id = 'v1' AND reason = 'dispute'"));

            String pi = "pi_test_ig_v1_popular";
            FakeStripe.Dispute second = server.stripe().openDispute(pi, false);
            second.events().forEach(event -> assertEquals(200, server.deliver(event).statusCode()));
            assertEquals(0, server.storedBalance("v1"));
            server.stripe().closeDispute(second.id(), "lost")
                    .forEach(event -> assertEquals(200, server.deliver(event).statusCode()));
            assertEquals(0, server.storedBalance("v1"));
            assertEquals("refunded", server.storedStatus("cs_test_ig_v1_popular"));
        }
    }

    /**
     * v5's early fraud warning, ignored by the first server, resent with
     * stripe.refund_early_fraud_warnings on: the payment is refunded at Stripe once (however often
     * the warning comes), and the refund's own events take the coins back.
     */
    @ParameterizedTest(name = "on PostgreSQL: {0}")
    @ValueSource(booleans = {false, true})
    void anIgnoredFraudWarningResentIsRefundedOnceAndTheRefundTakesTheCoins(boolean postgres) {
        JsonNode story = UpgradeFixture.story(IGNORED_STORY);
        try (TestServer server = UpgradeFixture.serve(dir.resolve("served"), IGNORED_FIXTURE, postgres,
                Map.of("STRIPE_REFUND_EARLY_FRAUD_WARNINGS", "true"))) {
            server.stripe().load(story.get("stripe"));
            String warning = UpgradeFixture.events(story).stream()
                    .filter(event -> event.id().equals("evt_test_ig_v5_starter_efw_created"))
                    .findFirst().orElseThrow().payload();

            assertEquals(200, server.deliver(warning).statusCode());
            assertEquals(200, server.deliver(warning).statusCode());

            assertEquals(1, server.stripe().refundsCreatedByApi().size());
            FakeStripe.ApiRefund refund = server.stripe().refundsCreatedByApi().get(0);
            assertEquals("coinpurse-efw-issfr_test_ig_v5_starter", refund.idempotencyKey());
            assertEquals(100, server.storedBalance("v5"), "the warning itself moves no coins");
            refund.events().forEach(event -> assertEquals(200, server.deliver(event).statusCode()));
            assertEquals(0, server.storedBalance("v5"));
            assertEquals("refunded", server.storedStatus("cs_test_ig_v5_starter"));
        }
    }

    // ---- lots from history: each user's ledger replayed through the lot rules once, at the first start ----

    /** What each user of each fixture holds once the upgrade built the lots: {paid, bonus, debt}. */
    private static final Map<String, Map<String, List<Long>>> LOTS_AFTER_UPGRADE = Map.of(
            FIXTURE, Map.of(
                    // welcome 1000 bonus, less spends of 250 and 300 (bonus first); popular, best and starter less
                    // the 40 paid coins of its partial refund
                    "u1", List.of(500L + 1200L + 60L, 450L + 50L + 200L, 0L),
                    // its refund took the 300 paid coins left, the rest is debt
                    "u2", List.of(0L, 0L, 1100L),
                    "u3", List.of(0L, 50L, 0L),
                    // the dispute won gave the popular's coins back to its own lots
                    "u4", List.of(500L, 80L + 50L, 0L),
                    // the lost dispute took the best value's 1000 paid coins left, then the starter's 100
                    "u5", List.of(0L, 0L, 300L)),
            IGNORED_FIXTURE, Map.of(
                    "v1", List.of(500L, 50L, 0L),
                    "v2", List.of(0L, 0L, 0L),
                    // 500 of 1999 cents refunded: 137 coins back, floor(500 × 500 / 1999) = 125 of them paid
                    "v3", List.of(375L, 38L, 0L),
                    "v4", List.of(1200L, 200L, 0L),
                    "v5", List.of(100L, 0L, 0L),
                    // the spend of 175 took the welcome grant's bonus first
                    "v6", List.of(500L, 75L + 50L, 0L)));

    /** The paid coins each refunded or disputed purchase shows as taken back (payment_sessions.paid_reversed). */
    private static final Map<String, Long> PAID_REVERSED = Map.of(
            "cs_test_fx_u1_starter", 40L, "cs_test_fx_u2_best", 1200L, "cs_test_fx_u3_popular", 500L,
            "cs_test_fx_u4_popular", 0L, "cs_test_fx_u5_best", 1200L,
            "cs_test_ig_v1_popular", 0L, "cs_test_ig_v2_popular", 500L, "cs_test_ig_v3_popular", 125L);

    /**
     * The first start after the upgrade builds every user's lots from their ledger: balances stay as
     * they were, every purchase has its paid lot (its coins, price and currency) and bonus lot, each
     * user holds what the SPEC's order makes of their history, the balance route answers paid, bonus,
     * held and available that add up, and {@code verify} (the real command) finds no problem.
     */
    @ParameterizedTest(name = "{0} on PostgreSQL: {1}")
    @CsvSource({"/upgrade/coinpurse-v2.db, false", "/upgrade/coinpurse-v2.db, true",
        "/upgrade/coinpurse-v2-ignored.db, false", "/upgrade/coinpurse-v2-ignored.db, true"})
    void theFirstStartBuildsLotsFromTheLedgerAndTheUpgradedDatabaseVerifiesClean(String fixture, boolean postgres)
            throws Exception {
        Map<String, Long> balancesBefore = new HashMap<>();
        List<Map<String, Object>> purchases;
        try (Connection connection = connect(fixtureCopy(fixture, dir.resolve("before.db")))) {
            rows(connection, "SELECT id, balance FROM users").forEach(user ->
                    balancesBefore.put((String) user.get("id"), num(user, "balance")));
            purchases = rows(connection, "SELECT session_id, user_id, coins, bonus, amount_cents, currency"
                    + " FROM payment_sessions WHERE status IN ('completed', 'refunded')");
        }

        try (TestServer server = UpgradeFixture.serve(dir.resolve("served"), fixture, postgres, Map.of())) {
            assertEquals(LOTS_AFTER_UPGRADE.get(fixture).keySet(), balancesBefore.keySet());
            balancesBefore.forEach((user, balance) -> assertEquals(balance, server.storedBalance(user), user));
            assertEquals(0, server.queryLong("SELECT COUNT(*) FROM settings WHERE name = 'lots_from_history'"));

            for (Map<String, Object> purchase : purchases) {
                String session = (String) purchase.get("session_id");
                assertEquals(num(purchase, "coins"), server.queryLong("SELECT COALESCE(SUM(coins), 0) FROM coin_lots"
                        + " WHERE kind = 'paid' AND session_id = ?", session), "paid lot of " + session);
                assertEquals(num(purchase, "amount_cents"), server.queryLong("SELECT amount_cents FROM coin_lots"
                        + " WHERE kind = 'paid' AND session_id = ?", session), "price of " + session);
                assertEquals(purchase.get("currency"), server.queryString("SELECT currency FROM coin_lots"
                        + " WHERE kind = 'paid' AND session_id = ?", session), "currency of " + session);
                assertEquals(num(purchase, "bonus"), server.queryLong("SELECT COALESCE(SUM(coins), 0) FROM coin_lots"
                        + " WHERE kind = 'bonus' AND session_id = ?", session), "bonus lot of " + session);
                assertEquals(purchase.get("user_id"), server.queryString("SELECT MIN(user_id) FROM coin_lots"
                        + " WHERE session_id = ?", session), "owner of " + session + "'s lots");
                if (PAID_REVERSED.containsKey(session)) {
                    assertEquals(PAID_REVERSED.get(session), server.queryLong("SELECT paid_reversed"
                            + " FROM payment_sessions WHERE session_id = ?", session), "paid_reversed of " + session);
                }
            }
            LOTS_AFTER_UPGRADE.get(fixture).forEach((user, expected) -> {
                JsonNode balance = TestServer.json(server.get("/api/coins/balance", server.token(user)));
                long stored = balancesBefore.get(user);
                assertEquals(stored, balance.get("balance").asLong(), user);
                assertEquals(expected.get(0), balance.get("paid").asLong(), "paid of " + user);
                assertEquals(expected.get(1), balance.get("bonus").asLong(), "bonus of " + user);
                assertEquals(expected.get(2), server.queryLong("SELECT debt FROM users WHERE id = ?", user),
                        "debt of " + user);
                assertEquals(stored, expected.get(0) + expected.get(1) - expected.get(2), "balance of " + user);
                assertEquals(0, balance.get("held").asLong(), user);
                assertEquals(stored, balance.get("available").asLong(), user);
            });

            CliRun verify = CliRun.run("verify", "--config", server.writeCliConfig(dir.resolve("verify.properties"))
                    .toString());
            assertEquals(0, verify.exit(), verify.out() + verify.err());
            assertEquals("no problems", verify.outLines().get(verify.outLines().size() - 1), verify.out());
            assertTrue(verify.outLines().get(0).contains(server.rowsIn("coin_lots") + " lots"), verify.out());
            if (fixture.equals(FIXTURE)) {
                CliRun user = CliRun.run("user", "u2", "--config", dir.resolve("verify.properties").toString());
                assertTrue(user.outLines().get(0).startsWith("user u2: balance -1100: paid 0, bonus 0, debt 1100,"
                        + " held 0, available -1100 (first seen "), user.out() + user.err());
            }
        }
    }

    /**
     * The ledger is replayed once: a second start finds nothing pending and changes nothing (the lots,
     * their moves, each row's parts, the debts and the money history stay exactly as the first start
     * left them).
     */
    @ParameterizedTest(name = "on PostgreSQL: {0}")
    @ValueSource(booleans = {false, true})
    void theReplayRunsOnceASecondStartChangesNothing(boolean postgres) {
        Path served = dir.resolve("served");
        Map<String, String> env = new HashMap<>();
        String built;
        try (TestServer first = UpgradeFixture.serve(served, FIXTURE, postgres, Map.of())) {
            first.deps().config().dbAccess().postgresUrl().ifPresent(url -> env.put("DB_URL", url));
            built = lotsState(first);
            assertTrue(first.rowsIn("coin_lots") > 0 && first.rowsIn("lot_moves") > 0, built);
        }
        try (TestServer second = TestServer.start(served, env)) {
            assertEquals(built, lotsState(second));
            assertEquals(0, second.queryLong("SELECT COUNT(*) FROM settings WHERE name = 'lots_from_history'"));
        }
    }

    /**
     * A balance that disagrees with its ledger is not rewritten: the start stops in one line naming the
     * user and pointing at {@code verify}, nothing of the lots is written (the mark stays), and
     * {@code verify} names the balance and the lots still to build.
     */
    @Test
    void aBalanceThatDisagreesWithItsLedgerStopsTheStartAndVerifyNamesIt() throws Exception {
        Path file = dir.resolve("data/coinpurse.db");
        Files.createDirectories(file.getParent());
        Files.copy(copy, file);
        try (Connection connection = connect(file); Statement update = connection.createStatement()) {
            update.executeUpdate("UPDATE users SET balance = 2461 WHERE id = 'u1'");
        }
        Map<String, String> env = Map.of("DB_PATH", file.toString(), "AUTH_JWT_SECRET", TestServer.JWT_SECRET,
                "SERVER_HOST", "127.0.0.1", "SERVER_PORT", "0");

        CliRun start = ChildRun.run(dir, env, "serve");

        assertEquals(2, start.exit(), start.out() + start.err());
        assertEquals(List.of("coinpurse: cannot start: cannot open the database " + file + ": the coin lots could not"
                + " be built from the ledger: user u1's stored balance is 2461 but its ledger comes to 2460; run"
                + " `coinpurse verify` to see every problem, set them right and start again (db.path / DB_PATH)"),
                start.err().lines().filter(line -> !line.isBlank()).toList());
        try (Connection connection = connect(file)) {
            assertEquals(List.of("pending"), strings(connection,
                    "SELECT value FROM settings WHERE name = 'lots_from_history'"));
            assertEquals(List.of("0"), strings(connection, "SELECT COUNT(*) FROM coin_lots"));
            assertEquals(List.of("0"), strings(connection, "SELECT COUNT(*) FROM users WHERE debt <> 0"));
            assertEquals(List.of("2461"), strings(connection, "SELECT balance FROM users WHERE id = 'u1'"));
        }

        Path config = Files.writeString(dir.resolve("verify.properties"), "db.path=" + file + "\nauth.jwt_secret="
                + TestServer.JWT_SECRET + "\n");
        CliRun verify = CliRun.run("verify", "--config", config.toString());
        assertEquals(1, verify.exit(), verify.out() + verify.err());
        List<String> problems = verify.outLines().stream().filter(line -> line.startsWith("PROBLEM ")).toList();
        assertEquals(2, problems.size(), verify.out());
        assertTrue(problems.contains("PROBLEM user u1: balance_mismatch: balance 2461 but its ledger sums to 2460"
                + " (7 rows)"), verify.out());
        assertTrue(problems.stream().anyMatch(line -> line.startsWith("PROBLEM lots_pending: ")), verify.out());
    }

    /** {@code copy-db} builds the lots as the server would: the PostgreSQL copy verifies clean, nothing pending. */
    @Test
    void copyDbOfADatabaseFromBeforeLotsBuildsThemInTheCopy() throws Exception {
        String url = TestPostgres.server().newDatabase();
        Path config = Files.writeString(dir.resolve("copy.properties"), "db.path=" + copy + "\nauth.jwt_secret="
                + TestServer.JWT_SECRET + "\n");

        CliRun copied = CliRun.run("copy-db", "--to", url, "--config", config.toString());

        assertEquals(0, copied.exit(), copied.out() + copied.err());
        Path onPostgres = Files.writeString(dir.resolve("postgres.properties"), "db.url=" + url
                + "\nauth.jwt_secret=" + TestServer.JWT_SECRET + "\n");
        CliRun verify = CliRun.run("verify", "--config", onPostgres.toString());
        assertEquals(0, verify.exit(), verify.out() + verify.err());
        try (Connection target = DriverManager.getConnection(url)) {
            assertEquals(List.of("0"),
                    strings(target, "SELECT COUNT(*) FROM settings WHERE name = 'lots_from_history'"));
            assertEquals(List.of("1100"), strings(target, "SELECT debt FROM users WHERE id = 'u2'"));
        }
    }

    /** Every row of the lot tables, each ledger row's parts and each user's debt, as text. */
    private static String lotsState(TestServer server) {
        StringBuilder state = new StringBuilder();
        for (String sql : List.of("SELECT id, user_id, kind, session_id, entry_id, coins, remaining, amount_cents,"
                        + " currency, expires_at, created_at FROM coin_lots ORDER BY id",
                "SELECT id, lot_id, entry_id, coins, created_at FROM lot_moves ORDER BY id",
                "SELECT id, paid, bonus FROM coin_ledger ORDER BY id",
                "SELECT id, balance, debt FROM users ORDER BY id",
                "SELECT session_id, refunded_cents, disputed, recorded_at FROM purchase_money_history ORDER BY id",
                "SELECT session_id, paid_reversed FROM payment_sessions ORDER BY session_id")) {
            try (Connection connection = server.deps().db().dataSource().getConnection()) {
                state.append(rows(connection, sql)).append('\n');
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return state.toString();
    }

    private static Path fixtureCopy(String resource, Path to) throws IOException {
        try (InputStream fixture = UpgradeFromV2Test.class.getResourceAsStream(resource)) {
            assertNotNull(fixture, resource + " is not on the test classpath");
            Files.copy(fixture, to);
        }
        return to;
    }

    private static void assertBalances(TestServer server, Map<String, Long> balances) {
        balances.forEach((user, balance) -> {
            assertEquals(balance, server.storedBalance(user), "balance of " + user);
            assertEquals(balance, server.ledgerSum(user), "ledger of " + user);
        });
    }

    /** u1's partial refund of 200 cents, as it stands at Stripe (V2 kept only the figure). */
    private static JsonNode partialRefundOfU1AtStripe() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode objects = json.createObjectNode();
        objects.putArray("charges").addObject()
                .put("id", "ch_test_fx_u1_starter").put("object", "charge").put("amount", 499)
                .put("amount_refunded", 200).put("currency", "usd").put("payment_intent", "pi_test_fx_u1_starter")
                .put("refunded", false).put("status", "succeeded");
        objects.putArray("refunds").addObject()
                .put("id", "re_test_fx_u1_starter").put("object", "refund").put("amount", 200)
                .put("charge", "ch_test_fx_u1_starter").put("currency", "usd")
                .put("payment_intent", "pi_test_fx_u1_starter").put("status", "succeeded");
        return objects;
    }

    private static String disputeEvent(String type, String disputeId, String paymentIntent, String status) {
        return disputeEvent(type, disputeId, paymentIntent, status, null);
    }

    /** A dispute event; {@code created} (epoch seconds) when Stripe opened the dispute, or none. */
    private static String disputeEvent(String type, String disputeId, String paymentIntent, String status,
            Long created) {
        ObjectNode dispute = new ObjectMapper().createObjectNode()
                .put("id", disputeId)
                .put("object", "dispute")
                .put("amount", 1999)
                .put("currency", "usd")
                .put("payment_intent", paymentIntent)
                .put("status", status);
        if (created != null) {
            dispute.put("created", created);
        }
        return StripeEvents.event(StripeEvents.newEventId(), type, dispute, Stripe.API_VERSION);
    }

    /** Each user's balance is the sum of their ledger deltas, and the balance_after of their last entry. */
    private static void assertBalancesAreTheLedgerSums(Map<String, List<Map<String, Object>>> rows) {
        Map<Object, Long> sums = new HashMap<>();
        Map<Object, Long> lastBalanceAfter = new HashMap<>();
        for (Map<String, Object> entry : rows.get("coin_ledger")) {
            sums.merge(entry.get("user_id"), num(entry, "delta"), Long::sum);
            lastBalanceAfter.put(entry.get("user_id"), num(entry, "balance_after"));
        }
        Set<Object> users = new HashSet<>();
        for (Map<String, Object> user : rows.get("users")) {
            Object id = user.get("id");
            users.add(id);
            assertEquals(sums.getOrDefault(id, 0L), num(user, "balance"), "balance of " + id + " vs its ledger");
            assertEquals(lastBalanceAfter.getOrDefault(id, 0L), num(user, "balance"),
                    "balance of " + id + " vs its last ledger entry");
        }
        assertTrue(users.containsAll(sums.keySet()), "every ledger entry belongs to a user");
    }

    private static Map<String, List<Map<String, Object>>> readAll(Connection connection) throws SQLException {
        Map<String, List<Map<String, Object>>> rows = new LinkedHashMap<>();
        for (Table table : V2_TABLES.values()) {
            rows.put(table.name(), rows(connection, "SELECT " + String.join(", ", table.columns())
                    + " FROM " + table.name() + " ORDER BY " + table.primaryKey()));
            assertTrue(!rows.get(table.name()).isEmpty(), table.name() + " has rows");
        }
        return rows;
    }

    private static List<Map<String, Object>> history(Connection connection) throws SQLException {
        return rows(connection, "SELECT " + String.join(", ", HISTORY_COLUMNS)
                + " FROM flyway_schema_history ORDER BY installed_rank");
    }

    private static List<Map<String, Object>> rows(Connection connection, String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(result.getMetaData().getColumnLabel(i), result.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<String> strings(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                values.add(result.getString(1));
            }
        }
        return values;
    }

    private static Set<String> columnsOf(Connection connection, String table) throws SQLException {
        return rows(connection, "PRAGMA table_info(" + table + ")").stream()
                .map(column -> (String) column.get("name")).collect(Collectors.toSet());
    }

    private static int maxSuccessfulVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("""
                        SELECT MAX(CAST(version AS INTEGER)) FROM flyway_schema_history
                        WHERE success = 1 AND version IS NOT NULL""")) {
            assertTrue(result.next());
            return result.getInt(1);
        }
    }

    private static Connection connect(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    private static long num(Map<String, Object> row, String column) {
        Object value = Objects.requireNonNull(row.get(column), () -> column + " is null in " + row);
        return ((Number) value).longValue();
    }

    private static void assertHas(List<Map<String, Object>> rows, String what, Predicate<Map<String, Object>> test) {
        assertTrue(rows.stream().anyMatch(test), "the fixture has " + what);
    }

    private static Map<String, Table> tables(Table... tables) {
        Map<String, Table> byName = new LinkedHashMap<>();
        for (Table table : tables) {
            byName.put(table.name(), table);
        }
        return byName;
    }
}
