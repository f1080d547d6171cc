package coinpurse.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.config.ConfigException;
import coinpurse.db.CopyToPostgres;
import coinpurse.support.CliRun;
import coinpurse.support.FakeStripe;
import coinpurse.support.TestPostgres;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code coinpurse copy-db --to URL}: a SQLite database made by the real app (purchases, refunds,
 * disputes, spends, grants, through its API and signed webhooks) moved into a fresh database on a
 * real PostgreSQL ({@link TestPostgres}), compared row for row, and served again from there.
 */
class CopyDbCommandTest {
    private static final String API_KEY = "copy-db-internal-key-0123456789";
    private static final String SPEND = "/api/internal/coins/spend";
    private static final String GRANT = "/api/internal/coins/grant";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Each table's key, to order its rows the same way on both sides. */
    private static final Map<String, List<String>> KEYS = Map.ofEntries(
            Map.entry("users", List.of("id")),
            Map.entry("payment_sessions", List.of("session_id")),
            Map.entry("coin_ledger", List.of("id")),
            Map.entry("coin_lots", List.of("id")),
            Map.entry("lot_moves", List.of("id")),
            Map.entry("purchase_money_history", List.of("id")),
            Map.entry("holds", List.of("hold_id")),
            Map.entry("wallet_operations", List.of("idempotency_key")),
            Map.entry("processed_events", List.of("event_id")),
            Map.entry("stripe_charges", List.of("payment_intent")),
            Map.entry("stripe_refunds", List.of("refund_id")),
            Map.entry("stripe_disputes", List.of("dispute_id")),
            Map.entry("stripe_fraud_warnings", List.of("warning_id")),
            Map.entry("settings", List.of("name")),
            Map.entry("checkout_attempts", List.of("user_id", "attempted_at")),
            Map.entry("app_events", List.of("event_id")));

    @TempDir
    Path dir;

    @Test
    void aWholeMoneyLifecycleMovesRowForRowAndIsServedTheSameFromPostgres() throws Exception {
        List<String> questions;
        Map<String, JsonNode> answers;
        Map<String, JsonNode> operations;
        Path sqliteFile;
        try (TestServer sqlite = startSqlite("sqlite")) {
            Lifecycle life = new Lifecycle(sqlite);
            life.bought("alice", "popular");
            life.bought("alice", "starter");
            life.spend("alice", 200, "alice-sword");
            String bob = life.bought("bob", "best_value");
            life.deliverAll(sqlite.stripe().refund(sqlite.stripe().paymentIntentOf(bob), 500, "succeeded").events());
            FakeStripe.Refund failing = sqlite.stripe().refund(sqlite.stripe().paymentIntentOf(bob), 300, "pending");
            life.deliverAll(failing.events());
            life.deliverAll(sqlite.stripe().setRefundStatus(failing.id(), "failed"));
            String carol = life.bought("carol", "popular");
            FakeStripe.Dispute lost = sqlite.stripe().openDispute(sqlite.stripe().paymentIntentOf(carol), false);
            life.deliverAll(lost.events());
            life.deliverAll(sqlite.stripe().closeDispute(lost.id(), "lost"));
            String dave = life.bought("dave", "popular");
            FakeStripe.Dispute won = sqlite.stripe().openDispute(sqlite.stripe().paymentIntentOf(dave), false);
            life.deliverAll(won.events());
            life.deliverAll(sqlite.stripe().closeDispute(won.id(), "won"));
            life.deliverAll(sqlite.stripe().earlyFraudWarning(sqlite.stripe().paymentIntentOf(dave),
                    "made_with_stolen_card", false).events());
            life.grant("erin", 100, "erin-welcome");
            String held = ok(sqlite.post("/api/internal/coins/holds", JSON.createObjectNode().put("user_id", "erin")
                    .put("amount", 20).put("idempotency_key", "erin-job").put("expires_in_seconds", 600).toString(),
                    API_KEY)).get("hold_id").asText();
            ok(sqlite.post("/api/internal/coins/holds/" + held + "/capture", "{\"amount\": 15}", API_KEY));
            life.spend("erin", 30, "erin-potion");
            assertEquals(409, sqlite.post(SPEND, body("erin", 1000, "erin-too-much", null), API_KEY).statusCode());
            // Refunded before its purchase was fulfilled: credited and taken back in one go.
            String hank = sqlite.checkout(sqlite.token("hank"), "popular");
            List<String> completed = sqlite.stripe().completeCheckout(hank);
            life.deliverAll(sqlite.stripe().refund(sqlite.stripe().paymentIntentOf(hank), 1999, "succeeded").events());
            life.deliverAll(completed);
            assertEquals("refunded", sqlite.storedStatus(hank));
            sqlite.checkout(sqlite.token("frank"), "starter"); // stays pending

            questions = questions(sqlite);
            answers = ask(sqlite, questions);
            operations = life.operations;
            sqliteFile = sqlite.deps().config().dbPath();
        }
        assertEquals(7 * 2 + 6, questions.size(), questions.toString()); // 7 users, 6 finished sessions
        Map<String, List<Map<String, Object>>> before = tables(sqliteConnection(sqliteFile));
        before.forEach((table, rows) -> assertFalse(rows.isEmpty(), table + " has rows to copy"));
        assertEquals(Set.of("alice", "bob", "carol", "dave", "hank"), before.get("processed_events").stream()
                .map(event -> event.get("user_id")).filter(Objects::nonNull).collect(Collectors.toSet()),
                "the events' users, to be copied with them");
        String url = TestPostgres.server().newDatabase();

        CliRun run = copyDb("--to", url, "--config", sqliteConfig(sqliteFile).toString());

        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("copied " + sqliteFile.toAbsolutePath() + " into PostgreSQL at 127.0.0.1:"),
                run.out());
        long totalCoins = before.get("users").stream().mapToLong(user -> (Long) user.get("balance")).sum();
        assertTrue(run.out().contains(before.get("users").size() + " users, " + totalCoins + " coins in total"),
                run.out());
        for (String table : CopyToPostgres.TABLES) {
            assertTrue(run.out().matches("(?s).*\\n  " + table + " +" + before.get(table).size() + "\\n.*"),
                    table + " in " + run.out());
        }
        Map<String, List<Map<String, Object>>> after = tables(DriverManager.getConnection(url));
        for (String table : CopyToPostgres.TABLES) {
            assertEquals(before.get(table), after.get(table), table);
        }

        try (TestServer postgres = TestServer.start(dir.resolve("postgres"),
                Map.of("DB_URL", url, "INTERNAL_API_KEY", API_KEY))) {
            assertEquals(answers, ask(postgres, questions));
            // The ledger numbers on after the highest copied id.
            long highest = before.get("coin_ledger").stream().mapToLong(row -> (Long) row.get("id")).max().orElseThrow();
            JsonNode granted = ok(postgres.post(GRANT, body("alice", 1, "alice-after-the-move", null), API_KEY));
            assertEquals(highest + 1, granted.get("entry_id").asLong());
            // A replayed idempotency key answers the first answer, from the copied wallet_operations.
            JsonNode replay = ok(postgres.post(SPEND, body("erin", 30, "erin-potion", "copy-db test"), API_KEY));
            assertEquals(operations.get("erin-potion"), replay);
        }
    }

    @Test
    void aTargetThatHoldsRowsIsRefusedAndLeftAsItWas() throws Exception {
        Path sqliteFile = smallSqliteDatabase("source");
        String url = TestPostgres.server().newDatabase();
        try (TestServer earlier = TestServer.start(dir.resolve("earlier"), Map.of("DB_URL", url,
                "INTERNAL_API_KEY", API_KEY))) {
            ok(earlier.post(GRANT, body("someone", 7, "someone-grant", null), API_KEY));
        }
        Map<String, List<Map<String, Object>>> before = tables(DriverManager.getConnection(url));

        CliRun run = copyDb("--to", url, "--config", sqliteConfig(sqliteFile).toString());

        assertEquals(1, run.exit(), run.out());
        assertEquals("", run.out());
        List<String> lines = nonBlankLines(run.err());
        assertEquals(1, lines.size(), run.err());
        assertTrue(lines.get(0).startsWith("coinpurse: copy-db failed: the target database is not empty ("),
                lines.get(0));
        assertTrue(lines.get(0).contains("users: 1 row") && lines.get(0).contains("nothing was written"),
                lines.get(0));
        assertEquals(before, tables(DriverManager.getConnection(url)));
    }

    @Test
    void aTargetWhereAServerOnlyStartedIsRefusedNamingItsInstanceId() throws Exception {
        Path sqliteFile = smallSqliteDatabase("source");
        String url = TestPostgres.server().newDatabase();
        TestServer.start(dir.resolve("started"), Map.of("DB_URL", url)).close();

        CliRun run = copyDb("--to", url, "--config", sqliteConfig(sqliteFile).toString());

        assertEquals(1, run.exit());
        assertTrue(run.err().contains("(settings: 1 row, the instance id of a server once started on it)"),
                run.err());
    }

    @Test
    void aTargetThatCannotBeReachedIsOneLineNamingHostAndPortNeverThePassword() throws IOException {
        Path sqliteFile = smallSqliteDatabase("source");
        Path config = Files.writeString(dir.resolve("with-password.properties"), "db.path=" + sqliteFile
                + "\nauth.jwt_secret=" + TestServer.JWT_SECRET + "\ndb.user=mover\ndb.password=hunter2-secret\n", UTF_8);

        CliRun run = copyDb("--to", "jdbc:postgresql://127.0.0.1:1/x", "--config", config.toString());

        assertEquals(1, run.exit());
        assertEquals("", run.out());
        List<String> lines = nonBlankLines(run.err());
        assertEquals(1, lines.size(), run.err());
        assertTrue(lines.get(0).startsWith("coinpurse: copy-db failed: cannot reach PostgreSQL at 127.0.0.1:1"),
                lines.get(0));
        assertFalse(run.err().contains("hunter2"), run.err());
    }

    @Test
    void aSourceWhoseBalanceDisagreesWithItsLedgerIsRolledBackNamingTheUser() throws Exception {
        Path sqliteFile = smallSqliteDatabase("source");
        try (Connection db = sqliteConnection(sqliteFile); Statement update = db.createStatement()) {
            assertEquals(1, update.executeUpdate("UPDATE users SET balance = balance + 5 WHERE id = 'ivy'"));
        }
        String url = TestPostgres.server().newDatabase();

        CliRun run = copyDb("--to", url, "--config", sqliteConfig(sqliteFile).toString());

        assertEquals(1, run.exit(), run.out());
        List<String> lines = nonBlankLines(run.err());
        assertEquals(1, lines.size(), run.err());
        assertTrue(lines.get(0).startsWith("coinpurse: copy-db failed: the copy does not verify: user ivy has a"
                + " balance of 55 but a ledger summing to 50"), lines.get(0));
        assertTrue(lines.get(0).endsWith("rolled back, nothing was written"), lines.get(0));
        tables(DriverManager.getConnection(url)).forEach((table, rows) -> assertEquals(List.of(), rows, table));
    }

    @Test
    void aMissingSourceIsReportedNotCreated() throws IOException {
        Path missing = dir.resolve("nowhere/coinpurse.db");

        CliRun run = copyDb("--to", "jdbc:postgresql://127.0.0.1:1/x", "--config", sqliteConfig(missing).toString());

        assertEquals(1, run.exit());
        assertEquals(List.of("coinpurse: copy-db failed: no database at " + missing.toAbsolutePath()
                + " (check db.path and the working directory)"), nonBlankLines(run.err()));
        assertFalse(Files.exists(missing.getParent()));
    }

    @Test
    void aSourceThatIsNotASqliteDatabaseIsOneLineAndTheTargetStaysEmpty() throws Exception {
        Path garbage = Files.writeString(dir.resolve("notes.db"), "not a database\n".repeat(300), UTF_8);
        String url = TestPostgres.server().newDatabase();

        CliRun run = copyDb("--to", url, "--config", sqliteConfig(garbage).toString());

        assertEquals(1, run.exit(), run.out());
        List<String> lines = nonBlankLines(run.err());
        assertEquals(1, lines.size(), run.err());
        assertTrue(lines.get(0).startsWith("coinpurse: copy-db failed: cannot prepare the schema of the SQLite database "
                + garbage.toAbsolutePath()) && lines.get(0).contains("not a database"), lines.get(0));
        assertEquals("not a database\n".repeat(300), Files.readString(garbage, UTF_8));
        try (Connection target = DriverManager.getConnection(url); Statement query = target.createStatement();
                ResultSet tables = query.executeQuery(
                        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
            assertTrue(tables.next());
            assertEquals(0, tables.getLong(1), "the target was not even given a schema");
        }
    }

    @Test
    void aTargetThatIsNotPostgresIsAConfigurationError() throws IOException {
        Path sqliteFile = smallSqliteDatabase("source");

        CliRun run = copyDb("--to", "jdbc:mysql://127.0.0.1/x?password=hunter2", "--config",
                sqliteConfig(sqliteFile).toString());

        assertEquals(2, run.exit());
        assertEquals(1, nonBlankLines(run.err()).size(), run.err());
        assertTrue(run.err().contains("--to: write jdbc:postgresql://host:port/database"), run.err());
        assertFalse(run.err().contains("hunter2"), run.err());
    }

    // ---- the command line ----

    /**
     * {@code coinpurse copy-db ARGS} through {@code Main.run}, as {@link CliRun} runs every
     * subcommand, once {@code CoinpurseCommand} lists it; until then the command alone, with
     * Main's handling of configuration errors.
     */
    private static CliRun copyDb(String... args) {
        return CliRun.run(Stream.concat(Stream.of("copy-db"), Stream.of(args)).toArray(String[]::new));
    }

    private Path sqliteConfig(Path sqliteFile) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "copy-db", ".properties"),
                "db.path=" + sqliteFile.toAbsolutePath() + "\nauth.jwt_secret=" + TestServer.JWT_SECRET + "\n", UTF_8);
    }

    // ---- the data ----

    private TestServer startSqlite(String name) {
        return TestServer.start(dir.resolve(name), Map.of("INTERNAL_API_KEY", API_KEY,
                "RATELIMIT_CHECKOUT_PER_MINUTE", "1000"));
    }

    /** A stopped server's SQLite file with a purchase and a grant: ivy holds 50 coins. */
    private Path smallSqliteDatabase(String name) {
        try (TestServer sqlite = startSqlite(name)) {
            Lifecycle life = new Lifecycle(sqlite);
            life.bought("ivy", "starter");
            life.spend("ivy", 50, "ivy-spend");
            assertEquals(50, sqlite.storedBalance("ivy"));
            return sqlite.deps().config().dbPath();
        }
    }

    /** Drives a server through its API and webhook; remembers the first answer of each spend or grant. */
    private static final class Lifecycle {
        private final TestServer server;
        private final Map<String, JsonNode> operations = new LinkedHashMap<>();

        Lifecycle(TestServer server) {
            this.server = server;
        }

        String bought(String user, String packageId) {
            String session = server.checkout(server.token(user), packageId);
            deliverAll(server.stripe().completeCheckout(session));
            assertEquals("completed", server.storedStatus(session));
            return session;
        }

        void grant(String user, long amount, String key) {
            operations.put(key, ok(server.post(GRANT, body(user, amount, key, "copy-db test"), API_KEY)));
        }

        void spend(String user, long amount, String key) {
            operations.put(key, ok(server.post(SPEND, body(user, amount, key, "copy-db test"), API_KEY)));
        }

        void deliverAll(List<String> events) {
            for (String event : events) {
                HttpResponse<String> answer = server.deliver(event);
                assertEquals(200, answer.statusCode(), answer.body());
            }
        }
    }

    /** Every user's balance and history, and every session's status but the pending ones', as questions. */
    private static List<String> questions(TestServer server) throws SQLException {
        List<String> questions = new ArrayList<>();
        try (Connection connection = server.deps().db().dataSource().getConnection();
                Statement query = connection.createStatement()) {
            try (ResultSet users = query.executeQuery("SELECT id FROM users")) {
                while (users.next()) {
                    questions.add("balance " + users.getString(1));
                    questions.add("history " + users.getString(1));
                }
            }
            // A pending session's status asks Stripe, and each server has a fake Stripe of its own.
            try (ResultSet sessions = query.executeQuery(
                    "SELECT user_id, session_id FROM payment_sessions WHERE status <> 'pending'")) {
                while (sessions.next()) {
                    questions.add("status " + sessions.getString(1) + " " + sessions.getString(2));
                }
            }
        }
        return questions;
    }

    /** What the API answers to each question, asked as the user concerned. */
    private static Map<String, JsonNode> ask(TestServer server, List<String> questions) {
        Map<String, JsonNode> answers = new TreeMap<>();
        for (String question : questions) {
            String[] words = question.split(" ");
            String token = server.token(words[1]);
            String path = switch (words[0]) {
                case "balance" -> "/api/coins/balance";
                case "history" -> "/api/coins/history?limit=200";
                default -> "/api/payment/status/" + words[2];
            };
            answers.put(question, ok(server.get(path, token)));
        }
        return answers;
    }

    private static String body(String userId, long amount, String key, String reason) {
        var body = JSON.createObjectNode().put("user_id", userId).put("amount", amount).put("idempotency_key", key);
        if (reason != null) {
            body.put("reason", reason);
        }
        return body.toString();
    }

    private static JsonNode ok(HttpResponse<String> answer) {
        assertEquals(200, answer.statusCode(), answer.body());
        return TestServer.json(answer);
    }

    private static List<String> nonBlankLines(String text) {
        return text.lines().filter(line -> !line.isBlank()).toList();
    }

    // ---- reading both databases the same way ----

    private static Connection sqliteConnection(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    /** Every table's rows as maps of column to value (whole numbers as Long), ordered by the table's key; closes the connection. */
    private static Map<String, List<Map<String, Object>>> tables(Connection connection) throws SQLException {
        try (connection) {
            Map<String, List<Map<String, Object>>> tables = new TreeMap<>();
            for (String table : CopyToPostgres.TABLES) {
                tables.put(table, rows(connection, table));
            }
            return tables;
        }
    }

    private static List<Map<String, Object>> rows(Connection connection, String table) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement query = connection.createStatement(); ResultSet row = query.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData columns = row.getMetaData();
            while (row.next()) {
                Map<String, Object> values = new LinkedHashMap<>();
                for (int c = 1; c <= columns.getColumnCount(); c++) {
                    Object value = row.getObject(c);
                    values.put(columns.getColumnName(c), value instanceof Number n ? (Object) n.longValue() : value);
                }
                rows.add(values);
            }
        }
        Comparator<Map<String, Object>> byKey = (a, b) -> 0;
        for (String key : KEYS.get(table)) {
            byKey = byKey.thenComparing(values -> values.get(key), CopyDbCommandTest::compareValues);
        }
        rows.sort(byKey.thenComparing(Object::toString));
        return rows;
    }

    private static int compareValues(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        return String.valueOf(a).compareTo(String.valueOf(b));
    }
}
