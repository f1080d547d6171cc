package coinpurse.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The connections to the SQLite file, pooled by HikariCP. sqlite-jdbc opens every one with WAL,
 * synchronous=FULL, foreign keys, a busy timeout and {@code transaction_mode=IMMEDIATE}, so that
 * a write transaction takes the write lock at {@code BEGIN} and a read-then-write never fails
 * half-way with SQLITE_BUSY; each keeps its compiled statements ({@link StatementCache}). A
 * read-only pool opens its connections read-only and sets nothing that would change the file
 * (not even the journal mode).
 */
final class SqlitePool {
    static final int BUSY_TIMEOUT_MS = 10_000;
    private static final int POOL_SIZE = 8;
    private static final int STATEMENTS_PER_CONNECTION = 64;
    private static final int PAGE_CACHE_KIB = 1024;
    /**
     * The writer's: a batch of webhook events dirties a few pages in each of a dozen indexes, and a
     * cache smaller than that spills them to the WAL before the commit (and writes them again).
     */
    private static final int WRITER_PAGE_CACHE_KIB = 8192;

    private SqlitePool() {}

    /**
     * A pool on {@code file}, after one connection was opened and closed, so that a file that
     * cannot be opened fails here at once rather than after the pool's wait.
     */
    static HikariDataSource open(Path file, boolean readOnly) {
        SQLiteDataSource sqlite = new SQLiteDataSource(settings(readOnly));
        sqlite.setUrl(url(file));
        try (Connection probe = sqlite.getConnection()) {
            probe.getAutoCommit();
        } catch (SQLException e) {
            throw new DatabaseException("the database " + file.toAbsolutePath() + " could not be opened", e);
        }
        HikariConfig pool = new HikariConfig();
        pool.setPoolName(readOnly ? "coinpurse-sqlite-read-only" : "coinpurse-sqlite");
        pool.setDataSource(new StatementCache(sqlite, STATEMENTS_PER_CONNECTION));
        pool.setReadOnly(readOnly); // as SQLite opened them: sqlite-jdbc refuses to change it afterwards
        pool.setMaximumPoolSize(POOL_SIZE);
        // Opened when needed, never in the background: a connection opened while the file cannot
        // be written is read-only for good, and must not appear behind a storage-fault recovery's back.
        pool.setMinimumIdle(0);
        // A file connection does not go stale like a network one: kept, never checked in the background.
        pool.setIdleTimeout(0);
        pool.setMaxLifetime(0);
        pool.setKeepaliveTime(0);
        pool.setConnectionTimeout(BUSY_TIMEOUT_MS);
        pool.setInitializationFailTimeout(-1); // the probe above did that
        return new HikariDataSource(pool);
    }

    /**
     * The writer thread's own connection ({@link SqliteWriter}), outside the pool: a larger page
     * cache, which stays warm because no other connection of this process writes (SQLite empties
     * a connection's cache when another one wrote since its last transaction). Opened read-only,
     * with the pool's cache, for a read-only database, which must refuse every write.
     */
    static Connection writerConnection(Path file, boolean readOnly) throws SQLException {
        SQLiteConfig writer = settings(readOnly);
        if (!readOnly) {
            writer.setCacheSize(-WRITER_PAGE_CACHE_KIB);
        }
        SQLiteDataSource sqlite = new SQLiteDataSource(writer);
        sqlite.setUrl(url(file));
        return new StatementCache(sqlite, STATEMENTS_PER_CONNECTION).getConnection();
    }

    /**
     * A read-only connection of its own, outside the pool, whose transactions begin DEFERRED: a
     * read transaction that takes its snapshot at the first read and never takes the write lock.
     */
    static Connection snapshotConnection(Path file) throws SQLException {
        SQLiteConfig reader = new SQLiteConfig();
        reader.setReadOnly(true);
        reader.setBusyTimeout(BUSY_TIMEOUT_MS);
        reader.setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
        return reader.createConnection(url(file));
    }

    private static SQLiteConfig settings(boolean readOnly) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setBusyTimeout(BUSY_TIMEOUT_MS);
        // SQLite's own page cache, per connection (its default is 2 MiB): the OS caches the file too,
        // so a smaller one costs a read call on a miss, and saves memory on a small VPS.
        sqlite.setCacheSize(-PAGE_CACHE_KIB);
        // sqlite-jdbc otherwise runs `SELECT last_insert_rowid()`, compiled anew, after every INSERT
        // for getGeneratedKeys; coinpurse reads new keys with RETURNING instead.
        sqlite.setGetGeneratedKeys(false);
        // The statement journal of each caller's savepoint in a batch, and sorts, in memory rather
        // than in temporary files opened and deleted for each.
        sqlite.setTempStore(SQLiteConfig.TempStore.MEMORY);
        if (readOnly) {
            sqlite.setReadOnly(true);
            sqlite.setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
        } else {
            sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
            sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            sqlite.enforceForeignKeys(true);
            sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        }
        return sqlite;
    }

    private static String url(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }
}
