package coinpurse.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.db.Timestamps;
import coinpurse.support.Concurrently;
import coinpurse.events.Outbox;
import coinpurse.purchases.PaymentSession;
import coinpurse.purchases.PaymentSessions;
import coinpurse.purchases.SessionStatus;
import coinpurse.wallet.CoinBook;
import coinpurse.wallet.DuplicateLedgerEntryException;
import coinpurse.wallet.Ledger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite file: its settings, its schema, and transactions that hold under contention. */
class DatabaseTest {
    @TempDir
    Path dir;

    @Test
    void opensInANewFolderWithWalFullSyncForeignKeysAndABusyTimeout() throws Exception {
        Path file = dir.resolve("not/yet/there/coinpurse.db");
        try (Database db = Database.open(file)) {
            assertTrue(Files.exists(file));
            try (Connection connection = db.dataSource().getConnection()) {
                assertEquals("wal", pragma(connection, "journal_mode"));
                assertEquals("2", pragma(connection, "synchronous"), "2 is FULL");
                assertEquals("1", pragma(connection, "foreign_keys"));
                assertEquals("10000", pragma(connection, "busy_timeout"));
            }
        }
    }

    @Test
    void appliesTheVersionedMigrationsOnceAcrossRestarts() throws Exception {
        Path file = dir.resolve("coinpurse.db");
        Database.open(file).close();
        try (Database db = Database.open(file);
                Connection connection = db.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL")) {
            assertTrue(rows.next());
            assertEquals("1", rows.getString(1));
            assertTrue(rows.getBoolean(2));
            for (String table : List.of("users", "payment_sessions", "coin_ledger", "processed_events")) {
                try (Statement probe = connection.createStatement()) {
                    probe.executeQuery("SELECT COUNT(*) FROM " + table).close();
                }
            }
        }
    }

    @Test
    void foreignKeysRefuseALedgerRowForAnUnknownUser() {
        try (Database db = Database.open(dir.resolve("coinpurse.db"))) {
            DatabaseException refused = assertThrows(DatabaseException.class, () -> db.inTransaction(connection -> {
                try (Statement insert = connection.createStatement()) {
                    return insert.executeUpdate("INSERT INTO coin_ledger (user_id, delta, balance_after, reason,"
                            + " created_at) VALUES ('ghost', 5, 5, 'grant', '2026-01-01T00:00:00.000Z')");
                }
            }));
            assertTrue(refused.getCause().getMessage().contains("FOREIGN KEY"), refused.getCause().getMessage());
        }
    }

    @Test
    void aSecondPurchaseRowForOneSessionIsRefusedByTheDatabase() {
        Timestamps timestamps = new Timestamps(Clock.systemUTC());
        Ledger ledger = new Ledger(timestamps, Dialect.SQLITE);
        CoinBook book = new CoinBook(ledger, timestamps, new Outbox(timestamps, false));
        try (Database db = Database.open(dir.resolve("coinpurse.db"))) {
            db.inTransaction(connection -> {
                ledger.ensureUser(connection, "u1");
                return new PaymentSessions(timestamps, Dialect.SQLITE).insert(connection, new PaymentSession("cs_1", "u1", "popular",
                        1999, "usd", 500, 50, SessionStatus.PENDING, null, timestamps.now()));
            });
            db.inTransaction(connection -> book.creditPurchase(connection, "u1", "cs_1", 500, 50, 1999, "usd"));
            assertThrows(DuplicateLedgerEntryException.class, () -> db.inTransaction(connection ->
                    book.creditPurchase(connection, "u1", "cs_1", 500, 50, 1999, "usd")));
            long balance = db.read(connection -> ledger.balanceOf(connection, "u1")).orElseThrow();
            assertEquals(550, balance, "the refused credit rolled back with its transaction");
        }
    }

    /**
     * Many threads each read a balance and write it back plus one, through two Database
     * instances on one file, as the server and a {@code reconcile} run are: their writers meet
     * only in SQLite. With deferred transactions SQLite would fail some upgrades from read to
     * write lock with SQLITE_BUSY; BEGIN IMMEDIATE makes them wait their turn, so none fails and
     * none is lost.
     */
    @Test
    void concurrentReadThenWriteTransactionsNeitherFailNorLoseUpdates() throws Exception {
        int threads = 8;
        int perThread = 25;
        Timestamps timestamps = new Timestamps(Clock.systemUTC());
        Ledger ledger = new Ledger(timestamps, Dialect.SQLITE);
        CoinBook book = new CoinBook(ledger, timestamps, new Outbox(timestamps, false));
        try (Database db = Database.open(dir.resolve("coinpurse.db"));
                Database other = Database.open(dir.resolve("coinpurse.db"))) {
            Concurrently.allAtOnce(threads, t -> () -> {
                Database mine = t % 2 == 0 ? db : other;
                for (int i = 0; i < perThread; i++) {
                    mine.inTransaction(connection -> book.grant(connection, "busy", 1, null, null));
                }
                return null;
            });
            long balance = db.read(connection -> ledger.balanceOf(connection, "busy")).orElseThrow();
            assertEquals(threads * perThread, balance);
            long ledgerSum = db.read(connection -> {
                try (Statement sum = connection.createStatement();
                        ResultSet row = sum.executeQuery("SELECT SUM(delta) FROM coin_ledger WHERE user_id = 'busy'")) {
                    row.next();
                    return row.getLong(1);
                }
            });
            assertEquals(balance, ledgerSum);
        }
    }

    /**
     * Work submitted at once may share one commit; each piece still stands alone: one that fails
     * undoes only its own writes, and its caller gets its own exception.
     */
    @Test
    void concurrentTransactionsThatFailUndoOnlyTheirOwnWrites() throws Exception {
        Timestamps timestamps = new Timestamps(Clock.systemUTC());
        CoinBook book = new CoinBook(new Ledger(timestamps, Dialect.SQLITE), timestamps, new Outbox(timestamps, false));
        try (Database db = Database.open(dir.resolve("coinpurse.db"))) {
            List<String> outcomes = Concurrently.allAtOnce(40, i -> () -> {
                try {
                    return db.inTransaction(connection -> {
                        book.grant(connection, "user-" + i, 10, null, "key-" + i);
                        if (i % 3 == 0) {
                            throw new IllegalArgumentException("refused " + i);
                        }
                        return "ok";
                    });
                } catch (IllegalArgumentException refused) {
                    return refused.getMessage();
                }
            });
            for (int i = 0; i < 40; i++) {
                assertEquals(i % 3 == 0 ? "refused " + i : "ok", outcomes.get(i));
                String user = "user-" + i;
                long rows = db.read(connection -> {
                    try (var query = connection.prepareStatement("SELECT COUNT(*) FROM coin_ledger WHERE user_id = ?")) {
                        query.setString(1, user);
                        try (ResultSet row = query.executeQuery()) {
                            row.next();
                            return row.getLong(1);
                        }
                    }
                });
                assertEquals(i % 3 == 0 ? 0 : 1, rows, user);
            }
        }
    }

    private static String pragma(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("PRAGMA " + name)) {
            row.next();
            return row.getString(1);
        }
    }
}
