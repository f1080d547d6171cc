package coinpurse.cli;

import static coinpurse.support.CliRun.run;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.Main;
import coinpurse.support.CliRun;
import coinpurse.support.RunningServer;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coinpurse backup FILE}, the real subcommand run in-process through {@link Main#run},
 * against a running server's database; each copy is then opened on its own with sqlite-jdbc.
 */
class BackupCommandTest {
    private static final Pattern PRINTED = Pattern.compile("backed up (.+) to (.+) \\((\\d+) bytes\\)");

    @TempDir
    Path dir;
    /** A fresh server for each test. */
    @RunningServer(env = {"RATELIMIT_CHECKOUT_PER_MINUTE=1000"})
    TestServer server;
    Path config;

    @BeforeEach
    void writeConfig() throws IOException {
        config = dir.resolve("backup.properties");
        Files.writeString(config, "db.path=" + server.deps().config().dbPath().toAbsolutePath() + "\n"
                + "auth.jwt_secret=" + TestServer.JWT_SECRET + "\n", UTF_8);
    }

    @Test
    void theCopyOfALiveDatabaseHoldsTheSameRowsAndAValidSchema() throws Exception {
        buy("alice", "popular");
        buy("alice", "starter");
        buy("bob", "best_value");
        server.checkout(server.token("carol"), "starter"); // pending
        Path target = dir.resolve("backups/2026/coinpurse-copy.db"); // its folders do not exist yet

        CliRun run = run("backup", target.toString(), "--config", config.toString());

        assertEquals(0, run.exit(), run.err());
        Matcher printed = PRINTED.matcher(run.out().strip());
        assertTrue(printed.matches(), run.out());
        assertEquals(target.toAbsolutePath().toString(), printed.group(2));
        assertEquals(Files.size(target), Long.parseLong(printed.group(3)));
        try (Connection copy = open(target)) {
            assertEquals("ok", single(copy, "PRAGMA integrity_check"));
            for (String table : List.of("users", "coin_ledger", "payment_sessions", "processed_events")) {
                String sql = "SELECT * FROM " + table + " ORDER BY 1";
                assertEquals(dump(server.deps().db().dataSource(), sql), dump(copy, sql), table);
                assertFalse(dump(copy, sql).isEmpty(), table + " has rows");
            }
            assertEquals(dump(server.deps().db().dataSource(), "SELECT version, success FROM flyway_schema_history"),
                    dump(copy, "SELECT version, success FROM flyway_schema_history"), "same migrations applied");
            assertEquals("650", single(copy, "SELECT balance FROM users WHERE id = 'alice'"));
            assertEquals("1400", single(copy, "SELECT balance FROM users WHERE id = 'bob'"));
        }
        try (var files = Files.list(target.getParent())) {
            assertEquals(List.of(target.getFileName().toString()),
                    files.map(f -> f.getFileName().toString()).toList(), "no partial or -wal file is left beside it");
        }
    }

    @Test
    void backupsTakenWhileWebhooksAreCreditingAreEachConsistent() throws Exception {
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String session = server.checkout(server.token("racer-" + (i % 6)), "starter");
            server.stripe().markPaid(session);
            sessions.add(session);
        }
        // Three real threads deliver paid events (fresh ids) round and round the sessions until the
        // backups are done: first they credit, then each event is recorded as already done.
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger next = new AtomicInteger();
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread sender = new Thread(() -> {
                while (!done.get()) {
                    String session = sessions.get(next.getAndIncrement() % sessions.size());
                    statuses.add(server.deliver(StripeEvents.checkoutEvent(StripeEvents.newEventId(),
                            "checkout.session.completed", server.stripe().session(session))).statusCode());
                }
            }, "webhook-sender-" + t);
            senders.add(sender);
            sender.start();
        }

        List<Path> copies = new ArrayList<>();
        List<int[]> answeredBeforeAndAfter = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            Path copy = dir.resolve("racing/copy-" + b + ".db");
            int before = statuses.size();
            CliRun run = run("backup", copy.toString(), "--config", config.toString());
            answeredBeforeAndAfter.add(new int[] {before, statuses.size()});
            assertEquals(0, run.exit(), run.err());
            copies.add(copy);
        }
        done.set(true);
        for (Thread sender : senders) {
            sender.join(TimeUnit.SECONDS.toMillis(30));
        }

        assertTrue(answeredBeforeAndAfter.stream().anyMatch(counts -> counts[1] > counts[0]),
                "webhooks were answered while a backup ran");
        assertEquals(List.of(200), statuses.stream().distinct().toList());
        for (Path copy : copies) {
            try (Connection db = open(copy)) {
                assertEquals("ok", single(db, "PRAGMA integrity_check"), copy.toString());
                assertEquals("", dump(db, """
                        SELECT u.id, u.balance, COALESCE(SUM(l.delta), 0) AS ledger
                        FROM users u LEFT JOIN coin_ledger l ON l.user_id = u.id
                        GROUP BY u.id HAVING u.balance <> ledger"""), "balance == ledger sum for every user in " + copy);
                assertEquals("", dump(db, """
                        SELECT s.session_id, s.status, COUNT(l.id) AS credits
                        FROM payment_sessions s
                        LEFT JOIN coin_ledger l ON l.reason = 'purchase' AND l.reference = s.session_id
                        GROUP BY s.session_id
                        HAVING (s.status = 'completed') <> (credits = 1) OR credits > 1"""),
                        "a session is completed exactly when it has its one purchase row, in " + copy);
                assertEquals(single(db, "SELECT COUNT(*) FROM coin_ledger"),
                        single(db, "SELECT COUNT(*) FROM processed_events WHERE outcome = 'credited'"),
                        "each credit is with its event, in " + copy);
            }
        }
    }

    @Test
    void anExistingTargetIsRefusedAndLeftUntouched() throws Exception {
        buy("dave", "starter");
        Path target = dir.resolve("precious.db");
        Files.writeString(target, "an older backup, not to be lost", UTF_8);
        FileTime modified = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(target, modified);

        CliRun run = run("backup", target.toString(), "--config", config.toString());

        assertNotEquals(0, run.exit());
        assertEquals("", run.out());
        List<String> errLines = run.err().lines().filter(line -> !line.isBlank()).toList();
        assertEquals(1, errLines.size(), run.err());
        assertTrue(errLines.get(0).contains("already exists") && errLines.get(0).contains(target.toString()),
                errLines.get(0));
        assertEquals("an older backup, not to be lost", Files.readString(target, UTF_8));
        assertEquals(modified, Files.getLastModifiedTime(target));
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".partial")));
        }
    }

    @Test
    void aMissingDatabaseIsReportedNotCreated(@TempDir Path elsewhere) throws IOException {
        Path db = elsewhere.resolve("nothing-here/coinpurse.db");
        Path noDb = elsewhere.resolve("no-db.properties");
        Files.writeString(noDb, "db.path=" + db + "\nauth.jwt_secret=" + TestServer.JWT_SECRET + "\n", UTF_8);
        Path target = elsewhere.resolve("copy.db");

        CliRun run = run("backup", target.toString(), "--config", noDb.toString());

        assertNotEquals(0, run.exit());
        assertEquals(1, run.err().lines().filter(line -> !line.isBlank()).count(), run.err());
        assertTrue(run.err().contains("no database at " + db), run.err());
        assertFalse(Files.exists(db.getParent()), "no empty database was created to be backed up");
        assertFalse(Files.exists(target));
    }

    @Test
    void onPostgresItPointsToPgDumpAndTouchesNothing(@TempDir Path elsewhere) throws IOException {
        // Port 1 answers nothing: a run that tried to connect would say so instead.
        Path postgres = elsewhere.resolve("postgres.properties");
        Files.writeString(postgres, "db.url=jdbc:postgresql://127.0.0.1:1/coinpurse\ndb.user=coinpurse\n"
                + "db.password=hunter2-secret\ndb.path=" + elsewhere.resolve("data/coinpurse.db") + "\n"
                + "auth.jwt_secret=" + TestServer.JWT_SECRET + "\n", UTF_8);
        Path target = elsewhere.resolve("copy.db");

        CliRun run = run("backup", target.toString(), "--config", postgres.toString());

        assertEquals(1, run.exit());
        assertEquals("", run.out());
        assertEquals(List.of("coinpurse: backup copies the SQLite file; this server runs on PostgreSQL at 127.0.0.1:1:"
                + " use pg_dump (or your provider's point-in-time recovery)"),
                run.err().lines().filter(line -> !line.isBlank()).toList());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(elsewhere.resolve("data")), "no SQLite file was opened or created");
    }

    // ---- helpers ----

    /** A purchase credited through the real webhook. */
    private void buy(String user, String packageId) {
        String session = server.checkout(server.token(user), packageId);
        assertEquals(200, server.deliver(server.paidEvent(session)).statusCode());
        assertEquals("completed", server.storedStatus(session));
    }

    private static Connection open(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement query = connection.createStatement(); ResultSet row = query.executeQuery(sql)) {
            assertTrue(row.next(), sql);
            return row.getString(1);
        }
    }

    private static String dump(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return dump(connection, sql);
        }
    }

    /** Every row the query returns, one line each. */
    private static String dump(Connection connection, String sql) throws SQLException {
        StringBuilder rows = new StringBuilder();
        try (Statement query = connection.createStatement(); ResultSet row = query.executeQuery(sql)) {
            ResultSetMetaData columns = row.getMetaData();
            while (row.next()) {
                for (int c = 1; c <= columns.getColumnCount(); c++) {
                    rows.append(row.getString(c)).append('|');
                }
                rows.append('\n');
            }
        }
        return rows.toString();
    }
}
