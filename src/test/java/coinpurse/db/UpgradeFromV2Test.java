package coinpurse.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
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

/**
 * A database written by the server of schema V2 (src/test/resources/upgrade/coinpurse-v2.db, made
 * through the real server's routes; see the README beside it) keeps every balance, session,
 * ledger entry, wallet operation and processed event when {@link Database#open} upgrades it in place.
 */
class UpgradeFromV2Test {
    private static final String FIXTURE = "/upgrade/coinpurse-v2.db";

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

    /** Each user's balance is the sum of their ledger deltas, and the balance_after of their last entry. */
    /**
     * What V2 had applied carries over into V3's records, so Stripe's next events about those
     * payments move only what is new: a repeated cumulative refund takes nothing, the open dispute
     * (kept without an id in V2) closes as won by its real id and gives the coins back once, and the
     * already-won dispute gives nothing twice.
     */
    @Test
    void eventsAfterTheUpgradeMoveOnlyWhatIsNew() throws IOException {
        Path serverDir = dir.resolve("served");
        Files.createDirectories(serverDir.resolve("db"));
        Files.copy(copy, serverDir.resolve("db/coinpurse.db"));
        try (TestServer server = TestServer.start(serverDir)) {
            String sameRefund = StripeEvents.event(StripeEvents.newEventId(), "charge.refunded",
                    StripeEvents.refundedCharge("pi_test_fx_u1_starter", 499, 200, "usd"), Stripe.API_VERSION);
            assertEquals(200, server.deliver(sameRefund).statusCode());
            assertEquals(2460, server.storedBalance("u1"));

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

    private static String disputeEvent(String type, String disputeId, String paymentIntent, String status) {
        ObjectNode dispute = new ObjectMapper().createObjectNode()
                .put("id", disputeId)
                .put("object", "dispute")
                .put("amount", 1999)
                .put("currency", "usd")
                .put("payment_intent", paymentIntent)
                .put("status", status);
        return StripeEvents.event(StripeEvents.newEventId(), type, dispute, Stripe.API_VERSION);
    }

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
