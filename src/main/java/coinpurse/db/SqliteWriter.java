package coinpurse.db;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteException;

/**
 * The writes of one SQLite database in this process: the writer thread's batches ({@link
 * GroupCommit}) and dry runs, one at a time under a fair lock (SQLite's busy handler sleeps in
 * growing steps, which left the database idle under contention); other processes ({@code
 * reconcile}, {@code backup}) meet SQLite's busy timeout. They run on a connection of the writer's
 * own, so that its page cache stays warm. It also keeps whether storage refused the last write, and
 * retires its connection and the pool's when it does.
 */
final class SqliteWriter {
    /** SQLite's primary result codes of a write that storage refused: READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB. */
    private static final Set<Integer> STORAGE_FAULTS = Set.of(8, 10, 11, 13, 14, 26);
    private static final int PRIMARY_CODE_MASK = 0xff;

    private final HikariDataSource pool;
    private final Path file;
    private final boolean readOnly;
    private final CommitMetrics commitMetrics;
    private final ReentrantLock turn = new ReentrantLock(true);
    /** The last write failed for want of storage; cleared by the next commit, or by a health check's write. */
    private volatile boolean writesFailing;
    /** Set when storage refused a write: the writer's connection is reopened before its next use. */
    private volatile boolean retired;
    /** The writer's own connection ({@link SqlitePool#writerConnection}), used only under {@link #turn}. */
    private Connection connection;

    SqliteWriter(HikariDataSource pool, Path file, boolean readOnly, CommitMetrics commitMetrics) {
        this.pool = pool;
        this.file = file;
        this.readOnly = readOnly;
        this.commitMetrics = commitMetrics;
    }

    /**
     * The writer thread's half of {@link SqliteDatabase#inTransaction}: one transaction for the
     * whole batch, a savepoint per caller, one commit. A storage fault (full disk, read-only file)
     * aborts the whole batch, since SQLite may have rolled the transaction back by itself.
     */
    void runBatch(List<GroupCommit.Pending<?>> batch) {
        lockTurn();
        try {
            Connection connection = connection();
            connection.setAutoCommit(false);
            Object[] results = new Object[batch.size()];
            Exception[] failures = new Exception[batch.size()];
            try {
                for (int i = 0; i < batch.size(); i++) {
                    execute(connection, "SAVEPOINT caller");
                    try {
                        results[i] = batch.get(i).work.run(connection);
                        execute(connection, "RELEASE caller");
                    } catch (SQLException | RuntimeException e) {
                        if (e instanceof SQLException sql && isStorageFault(sql)) {
                            throw sql;
                        }
                        execute(connection, "ROLLBACK TO caller");
                        execute(connection, "RELEASE caller");
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
            closeConnection(); // whatever state the failure left it in: the next batch opens a fresh one
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
        try {
            Connection connection = connection();
            connection.setAutoCommit(false);
            try {
                return work.run(connection);
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            closeConnection();
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

    /**
     * Closes every connection (those in use as they come back, the writer's before its next use);
     * fresh ones are opened on demand.
     */
    void retireConnections() {
        retired = true;
        pool.getHikariPoolMXBean().softEvictConnections();
    }

    /** Closes the writer's connection, once the writer thread has stopped. */
    void close() {
        lockTurn();
        try {
            closeConnection();
        } finally {
            turn.unlock();
        }
    }

    private Connection connection() throws SQLException {
        if (retired) {
            retired = false;
            closeConnection();
        }
        if (connection == null) {
            connection = SqlitePool.writerConnection(file, readOnly);
        }
        return connection;
    }

    private void closeConnection() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing frees the connection; a failure leaves nothing else to undo.
        }
        connection = null;
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

    /**
     * Runs a savepoint's statement through the connection's compiled statements: JDBC's {@code
     * setSavepoint} and {@code releaseSavepoint} make SQLite compile a new text (a numbered name) for
     * each caller of a batch.
     */
    private static void execute(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.execute();
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
