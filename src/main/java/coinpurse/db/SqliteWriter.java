package coinpurse.db;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteException;

/**
 * The writes of one SQLite database in this process: the writer thread's batches ({@link
 * GroupCommit}) and dry runs, one at a time under a fair lock (SQLite's busy handler sleeps in
 * growing steps, which left the database idle under contention); other processes ({@code
 * reconcile}, {@code backup}) meet SQLite's busy timeout. It also keeps whether storage refused
 * the last write, and retires the pool's connections when it does.
 */
final class SqliteWriter {
    /** SQLite's primary result codes of a write that storage refused: READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB. */
    private static final Set<Integer> STORAGE_FAULTS = Set.of(8, 10, 11, 13, 14, 26);
    private static final int PRIMARY_CODE_MASK = 0xff;

    private final HikariDataSource pool;
    private final CommitMetrics commitMetrics;
    private final ReentrantLock turn = new ReentrantLock(true);
    /** The last write failed for want of storage; cleared by the next commit, or by a health check's write. */
    private volatile boolean writesFailing;

    SqliteWriter(HikariDataSource pool, CommitMetrics commitMetrics) {
        this.pool = pool;
        this.commitMetrics = commitMetrics;
    }

    /**
     * The writer thread's half of {@link SqliteDatabase#inTransaction}: one transaction for the
     * whole batch, a savepoint per caller, one commit. A storage fault (full disk, read-only file)
     * aborts the whole batch, since SQLite may have rolled the transaction back by itself.
     */
    void runBatch(List<GroupCommit.Pending<?>> batch) {
        lockTurn();
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            Object[] results = new Object[batch.size()];
            Exception[] failures = new Exception[batch.size()];
            try {
                for (int i = 0; i < batch.size(); i++) {
                    Savepoint savepoint = connection.setSavepoint();
                    try {
                        results[i] = batch.get(i).work.run(connection);
                        connection.releaseSavepoint(savepoint);
                    } catch (SQLException | RuntimeException e) {
                        if (e instanceof SQLException sql && isStorageFault(sql)) {
                            throw sql;
                        }
                        connection.rollback(savepoint);
                        connection.releaseSavepoint(savepoint);
                        failures[i] = e;
                    }
                }
                long commitStarted = System.nanoTime();
                connection.commit();
                commitMetrics.committed(System.nanoTime() - commitStarted, batch.size());
            } catch (SQLException e) {
                Quietly.rollback(connection, e);
                Quietly.restoreAutoCommit(connection, e);
                throw e;
            }
            connection.setAutoCommit(true);
            writesFailing = false;
            for (int i = 0; i < batch.size(); i++) {
                if (failures[i] != null) {
                    batch.get(i).fail(failures[i]);
                } else {
                    batch.get(i).succeed(results[i]);
                }
            }
        } catch (SQLException e) {
            if (isStorageFault(e)) {
                writesFailing = true;
                // A connection opened while the file could not be written is read-only for good
                // (SQLite falls back to read-only when it cannot open for writing): start afresh.
                retireConnections();
            }
            DatabaseException failed = new DatabaseException("database transaction failed", e);
            batch.forEach(pending -> pending.fail(failed));
        } catch (RuntimeException e) {
            batch.forEach(pending -> pending.fail(e));
        } finally {
            turn.unlock();
        }
    }

    /** Runs work in a write transaction and rolls it back. */
    <T> T dryRun(SqlWork<T> work) {
        lockTurn();
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                return work.run(connection);
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new DatabaseException("database transaction failed", e);
        } finally {
            turn.unlock();
        }
    }

    boolean writesFailing() {
        return writesFailing;
    }

    void writesSucceeded() {
        writesFailing = false;
    }

    /** Closes every connection (those in use as they come back); fresh ones are opened on demand. */
    void retireConnections() {
        pool.getHikariPoolMXBean().softEvictConnections();
    }

    private void lockTurn() {
        try {
            if (!turn.tryLock(SqlitePool.BUSY_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new DatabaseException("database transaction failed",
                        new SQLException("no turn to write within " + SqlitePool.BUSY_TIMEOUT_MS + " ms"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("database transaction failed", new SQLException("interrupted", e));
        }
    }

    /** SQLite could not write the file: read-only, full, I/O error, unopenable or damaged. */
    private static boolean isStorageFault(SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLiteException sqlite
                    && STORAGE_FAULTS.contains(sqlite.getResultCode().code & PRIMARY_CODE_MASK)) {
                return true;
            }
        }
        return false;
    }
}
