package coinpurse.faults;

import static coinpurse.support.JsonAssertions.assertJsonError;
import static coinpurse.support.StripeEvents.eventIdOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.db.SqliteDatabase;
import coinpurse.support.Concurrently;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database refusing writes under the running server: its files turned read-only, or its
 * disk full. The webhook answers 500 (so that Stripe delivers again), nothing of the event is
 * written, {@code /health} is 503; once the fault is gone, {@code /health} is 200 again and each
 * redelivered event is credited exactly once at its first redelivery. Events arrive several at
 * a time, as Stripe sends them, so the pool opens connections while the fault lasts: SQLite opens
 * those read-only, and they must not outlive the fault.
 *
 * <p>Both faults are made in the operating system, not in the app. Tests run as root (CI too),
 * for whom file modes do not stop writes, so "read-only" is the immutable attribute
 * ({@code chattr +i}), which the kernel enforces even on the descriptors SQLite already holds.
 * "Disk full" is a small tmpfs mounted as the database folder and filled up by another file.
 */
@Tag("root")
class DatabaseFaultsTest {
    private static final long POPULAR_TOTAL = 550;
    private static final String FILL_ERROR = "No space left on device";
    private static final int PURCHASES = 8;

    @TempDir
    Path dir;

    @Test
    void databaseFilesTurnedReadOnlyAre500ThenHealth503ThenFullRecovery() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            Path db = ((SqliteDatabase) server.deps().db()).file().toAbsolutePath();
            Path wal = Path.of(db + "-wal");
            assertTrue(Files.exists(wal), "the server holds its WAL open");
            List<Purchase> purchases = Purchase.start(server, "read-only");
            String before = dump(db);

            run("chattr", "+i", db.toString(), wal.toString());
            try {
                assertThrows(IOException.class, () -> Files.newOutputStream(wal, StandardOpenOption.APPEND).close(),
                        "even root cannot write to the files now");
                assertFaultSeen(server, purchases);
            } finally {
                run("chattr", "-i", db.toString(), wal.toString());
            }

            assertEquals(before, dump(db), "nothing of the event was written");
            assertRecovers(server, db, purchases);
        }
    }

    @Test
    void aFullDiskIs500ThenHealth503ThenFullRecovery() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("db"));
        run("mount", "-t", "tmpfs", "-o", "size=16m,mode=700", "coinpurse-full-disk", folder.toString());
        try (TestServer server = TestServer.start(dir)) {
            Path db = ((SqliteDatabase) server.deps().db()).file().toAbsolutePath();
            assertEquals(folder, db.getParent());
            List<Purchase> purchases = Purchase.start(server, "disk-full");
            String before = dump(db);
            // The WAL is emptied first, as a checkpoint leaves it: the next commit must grow it.
            // (With room left in the WAL, a few commits would still fit on a full disk.)
            truncateWal(db);
            Path filler = folder.resolve("filler");

            fill(filler);
            try {
                assertEquals(0, Files.getFileStore(folder).getUsableSpace(), "the disk is full");
                assertFaultSeen(server, purchases);
            } finally {
                Files.delete(filler);
            }

            assertEquals(before, dump(db), "nothing of the event was written");
            assertRecovers(server, db, purchases);
        } finally {
            unmount(folder);
        }
    }

    // ---- what each fault must show ----

    /** A checkout made through the API, and the paid event Stripe sends for it. */
    private record Purchase(String userId, String sessionId, String event) {
        static List<Purchase> start(TestServer server, String label) {
            List<Purchase> purchases = new ArrayList<>();
            for (int i = 0; i < PURCHASES; i++) {
                String user = label + "-" + i + "-" + UUID.randomUUID().toString().substring(0, 8);
                String session = server.checkout(server.token(user), "popular");
                purchases.add(new Purchase(user, session, server.paidEvent(session)));
            }
            return purchases;
        }
    }

    /**
     * Stripe delivers the events at once (so the server needs more than one connection while the
     * fault lasts), then again after the 500s; {@code /health} is 503 and reads still work.
     */
    private static void assertFaultSeen(TestServer server, List<Purchase> purchases) throws Exception {
        for (int round = 1; round <= 2; round++) {
            List<HttpResponse<String>> answers = Concurrently.allAtOnce(purchases.size(),
                    i -> () -> server.deliver(purchases.get(i).event()));
            for (HttpResponse<String> answer : answers) {
                assertEquals(500, answer.statusCode(), "round " + round + ": " + answer.body());
                assertEquals("not_processed", assertJsonError(answer).get("error").asText());
            }
        }
        HttpResponse<String> health = server.get("/health", null);
        assertEquals(503, health.statusCode(), health.body());
        JsonNode body = TestServer.json(health);
        assertEquals("unavailable", body.path("db").asText(), health.body());
        assertEquals("database_unavailable", body.path("error").asText(), health.body());
        Purchase first = purchases.get(0);
        HttpResponse<String> balance = server.get("/api/coins/balance", server.token(first.userId()));
        assertEquals(200, balance.statusCode(), balance.body());
        assertEquals(0, TestServer.json(balance).path("balance").asLong());
    }

    /** Once the fault is gone: healthy, and each event redelivered is credited, once, at the first try. */
    private static void assertRecovers(TestServer server, Path db, List<Purchase> purchases) throws Exception {
        HttpResponse<String> health = server.get("/health", null);
        assertEquals(200, health.statusCode(), health.body());
        assertEquals("ok", TestServer.json(health).path("db").asText());

        for (int round = 1; round <= 2; round++) {
            List<HttpResponse<String>> answers = Concurrently.allAtOnce(purchases.size(),
                    i -> () -> server.deliver(purchases.get(i).event()));
            for (HttpResponse<String> answer : answers) {
                assertEquals(200, answer.statusCode(), "redelivery " + round + ": " + answer.body());
            }
        }
        for (Purchase purchase : purchases) {
            assertEquals("completed", server.storedStatus(purchase.sessionId()));
            assertEquals(1, server.purchaseRows(purchase.sessionId()), "credited once");
            assertEquals(POPULAR_TOTAL, server.storedBalance(purchase.userId()));
            assertEquals(POPULAR_TOTAL, server.ledgerSum(purchase.userId()));
            assertEquals("credited", server.eventOutcome(eventIdOf(purchase.event())));
        }
        assertEquals("ok", integrityCheck(db));
        assertEquals(200, server.get("/health", null).statusCode());
    }

    // ---- faults ----

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + output);
    }

    private static void unmount(Path folder) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("umount", folder.toString()).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            run("umount", "--lazy", folder.toString()); // still busy: detach it all the same
        }
    }

    /** Writes {@code file} until the disk refuses, as a runaway log would. */
    private static void fill(Path file) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (full.getMessage() == null || !full.getMessage().contains(FILL_ERROR)) {
                throw full;
            }
        }
    }

    private static void truncateWal(Path db) throws SQLException, IOException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement sql = connection.createStatement()) {
            sql.execute("PRAGMA busy_timeout = 10000");
            try (ResultSet result = sql.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                assertTrue(result.next());
                assertEquals(0, result.getInt(1), "the checkpoint was not blocked");
            }
        }
        assertEquals(0, Files.size(Path.of(db + "-wal")), "the WAL is empty");
    }

    // ---- reading the file ----

    /** Every row of every table, through a connection of its own: what the file holds. */
    private static String dump(Path db) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement sql = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet names = sql.executeQuery(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
                while (names.next()) {
                    tables.add(names.getString(1));
                }
            }
            for (String table : tables) {
                List<String> rows = new ArrayList<>();
                try (ResultSet row = sql.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    int columns = row.getMetaData().getColumnCount();
                    while (row.next()) {
                        StringBuilder line = new StringBuilder(table).append(':');
                        for (int c = 1; c <= columns; c++) {
                            line.append(' ').append(row.getString(c));
                        }
                        rows.add(line.toString());
                    }
                }
                Collections.sort(rows);
                lines.add(table + " (" + rows.size() + " rows)");
                lines.addAll(rows);
            }
        }
        return String.join("\n", lines);
    }

    private static String integrityCheck(Path db) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement sql = connection.createStatement();
                ResultSet result = sql.executeQuery("PRAGMA integrity_check")) {
            return result.next() ? result.getString(1) : null;
        }
    }
}
