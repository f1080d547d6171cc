package coinpurse.db;

import coinpurse.config.DatabaseAccess;
import coinpurse.metrics.Meters;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteException;

/**
 * Where the data lives: the SQLite file, or a PostgreSQL database for more than one instance.
 *
 * <p>SQLite: a small connection pool whose connections all use WAL, a busy timeout, foreign keys
 * and synchronous=FULL, and whose write transactions begin IMMEDIATE so that a read-then-write
 * never fails half-way with SQLITE_BUSY on upgrade; the writes of this process share commits
 * through one writer thread ({@link GroupCommit}).
 *
 * <p>PostgreSQL: a pool of {@code db.pool_size} connections, each write transaction on its own
 * ({@link PostgresTransactions}); what SQLite's single writer gives for free, the work gets from
 * the locks that {@link Dialect} takes.
 */
public final class Database implements AutoCloseable {
    private static final int BUSY_TIMEOUT_MS = 10_000;
    /** How long a write waits for the writer thread to take it on before it is withdrawn, unwritten. */
    private static final Duration TURN_TIMEOUT = Duration.ofSeconds(60);
    private static final int POOL_SIZE = 8;
    private static final int STATEMENTS_PER_CONNECTION = 64;
    private static final int PAGE_CACHE_KIB = 1024;
    /** SQLite's primary result codes of a write that storage refused: READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB. */
    private static final Set<Integer> STORAGE_FAULTS = Set.of(8, 10, 11, 13, 14, 26);
    private static final int PRIMARY_CODE_MASK = 0xff;

    private final BasicDataSource dataSource;
    private final Dialect dialect;
    /** The SQLite file; null on PostgreSQL. */
    private final Path file;
    /** How writes run on PostgreSQL; null on SQLite, whose writes go through {@link #groupCommit}. */
    private final PostgresTransactions postgres;
    /** The last write failed for want of storage; cleared by the next commit, or by {@link #isHealthy}. */
    private volatile boolean writesFailing;
    private final ReentrantLock writer = new ReentrantLock(true);

    private final GroupCommit groupCommit;
    private final CommitMetrics commitMetrics;

    private Database(BasicDataSource dataSource, Path file, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.dialect = Dialect.SQLITE;
        this.file = file;
        this.postgres = null;
        this.commitMetrics = new CommitMetrics(meters, Dialect.SQLITE);
        this.groupCommit = new GroupCommit(this::runBatch, TURN_TIMEOUT);
    }

    private Database(BasicDataSource dataSource, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.dialect = Dialect.POSTGRES;
        this.file = null;
        this.commitMetrics = new CommitMetrics(meters, Dialect.POSTGRES);
        this.postgres = new PostgresTransactions(dataSource, commitMetrics);
        this.groupCommit = null;
    }

    /**
     * Connects to PostgreSQL and migrates its schema.
     *
     * @throws DatabaseException with one line naming host and port (never the password) when the
     *     server cannot be reached or refuses the login
     */
    public static Database openPostgres(DatabaseAccess target) {
        return openPostgres(target, Meters.off().registry());
    }

    /** As {@link #openPostgres(DatabaseAccess)}, timing commits on {@code meters}. */
    public static Database openPostgres(DatabaseAccess target, MeterRegistry meters) {
        BasicDataSource dataSource = PostgresPool.create(target);
        try {
            PostgresPool.checkReachable(dataSource, target);
            Migrations.apply(dataSource, Dialect.POSTGRES);
        } catch (RuntimeException e) {
            closeQuietly(dataSource, e);
            throw e;
        }
        return new Database(dataSource, meters);
    }

    /** Opens (creating the folder and file if needed) and migrates the schema. */
    public static Database open(Path file) {
        return open(file, Meters.off().registry());
    }

    /** As {@link #open(Path)}, timing commits and counting group-commit batches on {@code meters}. */
    public static Database open(Path file, MeterRegistry meters) {
        createParentFolder(file);
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.enforceForeignKeys(true);
        sqlite.setBusyTimeout(BUSY_TIMEOUT_MS);
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        // SQLite's own page cache, per connection (its default is 2 MiB): the OS caches the file too,
        // so a smaller one costs a read call on a miss, and saves memory on a small VPS.
        sqlite.setCacheSize(-PAGE_CACHE_KIB);

        BasicDataSource dataSource = new BasicDataSource();
        dataSource.setDriver(new JDBC());
        dataSource.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        sqlite.toProperties().forEach((key, value) -> dataSource.addConnectionProperty((String) key, (String) value));
        dataSource.setMaxTotal(POOL_SIZE);
        dataSource.setMaxIdle(POOL_SIZE);
        dataSource.setMinIdle(1);
        dataSource.setMaxWait(Duration.ofMillis(BUSY_TIMEOUT_MS));
        // Each connection keeps its prepared statements: SQLite compiles SQL on every prepare,
        // which cost more than running these small statements.
        dataSource.setPoolPreparedStatements(true);
        dataSource.setMaxOpenPreparedStatements(STATEMENTS_PER_CONNECTION);
        // A file connection does not go stale like a network one; storage faults retire the pool instead.
        dataSource.setTestOnBorrow(false);
        // Ask SQLite for autocommit, never a remembered value: SQLite ends a transaction by itself on some errors.
        dataSource.setCacheState(false);
        dataSource.setRegisterConnectionMBean(false);
        try {
            Migrations.apply(dataSource, Dialect.SQLITE);
        } catch (RuntimeException e) {
            closeQuietly(dataSource, e);
            throw e;
        }
        return new Database(dataSource, file, meters);
    }

    private static void closeQuietly(BasicDataSource dataSource, RuntimeException cause) {
        try {
            dataSource.close();
        } catch (SQLException closeFailure) {
            cause.addSuppressed(closeFailure);
        }
    }

    private static void createParentFolder(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the database folder " + parent, e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The SQLite file. */
    public Path file() {
        if (file == null) {
            throw new IllegalStateException("a PostgreSQL database has no file");
        }
        return file;
    }

    /** Held while a run that must not overlap another (on any host) goes on; closing releases it. */
    public interface RunLock extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes the database-wide lock {@code name} if no one holds it: on PostgreSQL a session
     * advisory lock, held on a connection of its own until closed (or until this process dies);
     * on SQLite nothing, since concurrent runs there already write one at a time.
     */
    public Optional<RunLock> tryRunLock(String name) {
        if (postgres == null) {
            return Optional.of(() -> { });
        }
        try {
            Connection connection = dataSource.getConnection();
            try {
                if (!Dialect.POSTGRES.tryLockUntilReleased(connection, name)) {
                    connection.close();
                    return Optional.empty();
                }
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            return Optional.of(() -> {
                try (connection) {
                    Dialect.POSTGRES.releaseLock(connection, name);
                } catch (SQLException e) {
                    throw new DatabaseException("could not release the lock " + name, e);
                }
            });
        } catch (SQLException e) {
            throw new DatabaseException("could not take the lock " + name, e);
        }
    }

    /** What differs between the backends, for the code that writes SQL. */
    public Dialect dialect() {
        return dialect;
    }

    /**
     * Runs work in a write transaction (BEGIN IMMEDIATE on SQLite) and returns its result once it
     * is committed. What a caller should know:
     * <ul>
     * <li>The work runs on the writer thread, not the caller's, possibly beside other callers'
     *     work in one transaction and one commit ({@link GroupCommit}), each under a savepoint of
     *     its own: an exception from the work undoes only its own writes and reaches the caller as
     *     thrown.
     * <li>The work must not start another transaction (that throws), nor wait for another thread
     *     that writes: every write of this process goes through the one writer.
     * <li>A {@link DatabaseException} means nothing of the work was committed: the commit failed,
     *     or the writer did not take the work on within 60 s and it was withdrawn. Once taken on,
     *     the caller waits for the transaction's end, so it never hears "failed" for work that
     *     later commits.
     * </ul>
     */
    public <T> T inTransaction(SqlWork<T> work) {
        return postgres != null ? postgres.run(work, true) : groupCommit.submit(work);
    }

    /**
     * Runs work in a write transaction like {@link #inTransaction}, then rolls it back: what
     * the work would have done, without doing it (a dry run).
     */
    public <T> T inRolledBackTransaction(SqlWork<T> work) {
        if (postgres != null) {
            return postgres.run(work, false);
        }
        lockWriter();
        try (Connection connection = dataSource.getConnection()) {
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
            writer.unlock();
        }
    }

    /**
     * The writer thread's half of {@link #inTransaction}: one transaction for the whole batch,
     * a savepoint per caller, one commit. A storage fault (full disk, read-only file) aborts the
     * whole batch, since SQLite may have rolled the transaction back by itself. Holding the
     * writer lock keeps a dry run of this process out meanwhile; other processes (the
     * {@code reconcile} and {@code backup} commands) meet SQLite's busy timeout.
     */
    private void runBatch(List<GroupCommit.Pending<?>> batch) {
        lockWriter();
        try (Connection connection = dataSource.getConnection()) {
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
                rollbackQuietly(connection, e);
                restoreAutoCommitQuietly(connection, e);
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
                try {
                    retireConnections();
                } catch (SQLException retireFailure) {
                    e.addSuppressed(retireFailure);
                }
            }
            DatabaseException failed = new DatabaseException("database transaction failed", e);
            batch.forEach(pending -> pending.fail(failed));
        } catch (RuntimeException e) {
            batch.forEach(pending -> pending.fail(e));
        } finally {
            writer.unlock();
        }
    }

    private void lockWriter() {
        try {
            if (!writer.tryLock(BUSY_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new DatabaseException("database transaction failed",
                        new SQLException("no turn to write within " + BUSY_TIMEOUT_MS + " ms"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("database transaction failed", new SQLException("interrupted", e));
        }
    }

    /** Closes every connection (those in use as they come back) and opens fresh ones on demand. */
    private void retireConnections() throws SQLException {
        dataSource.restart();
    }

    /** Runs read-only work outside any write transaction. */
    public <T> T read(SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new DatabaseException("database read failed", e);
        }
    }

    /**
     * Runs read-only work on one consistent snapshot of the whole database, without holding up
     * the server's writers: every query of the work sees the same committed state. On SQLite a
     * read transaction on a connection of its own, opened read-only (the pool's connections begin
     * IMMEDIATE, which would take the write lock); under WAL it never blocks a writer. On
     * PostgreSQL a REPEATABLE READ READ ONLY transaction on a pooled connection. Rolled back at the end.
     */
    public <T> T readSnapshot(SqlWork<T> work) {
        try {
            return postgres != null ? postgresSnapshot(work) : sqliteSnapshot(work);
        } catch (SQLException e) {
            throw new DatabaseException("database read failed", e);
        }
    }

    private <T> T sqliteSnapshot(SqlWork<T> work) throws SQLException {
        SQLiteConfig reader = new SQLiteConfig();
        reader.setReadOnly(true);
        reader.setBusyTimeout(BUSY_TIMEOUT_MS);
        reader.setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
        try (Connection connection = reader.createConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
            // BEGIN DEFERRED: the snapshot is taken by the first read and kept until the rollback.
            connection.setAutoCommit(false);
            try {
                return work.run(connection);
            } finally {
                connection.rollback();
            }
        }
    }

    private <T> T postgresSnapshot(SqlWork<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement snapshot = connection.createStatement()) {
                // For this transaction only: the pooled connection keeps its own defaults.
                snapshot.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                return work.run(connection);
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
    }

    /**
     * True when the database answers a trivial query and, if the last write transaction failed
     * for want of storage, takes a write again. A full disk or a file that turned read-only still
     * answers reads, so after such a failure the check retires the pool's connections (any opened
     * during the fault is read-only) and rewrites the header's {@code user_version} with its own
     * value on a fresh one: one real page written and synced, which fails for as long as writes
     * fail. While writes succeed the check only reads.
     */
    public boolean isHealthy() {
        boolean probeWrite = writesFailing;
        if (probeWrite) {
            try {
                retireConnections();
            } catch (SQLException e) {
                return false;
            }
        }
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(2);
            if (!statement.executeQuery("SELECT 1").next()) {
                return false;
            }
            if (probeWrite) {
                long version;
                try (ResultSet row = statement.executeQuery("PRAGMA user_version")) {
                    version = row.next() ? row.getLong(1) : 0;
                }
                statement.execute("PRAGMA user_version = " + version);
                writesFailing = false;
            }
            return true;
        } catch (SQLException e) {
            return false;
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

    static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    /**
     * SQLite rolls a transaction back by itself on an I/O error or a full disk, after which
     * sqlite-jdbc's {@code setAutoCommit(true)} fails with "no transaction is active"; that must
     * not hide the real cause, nor leave the pooled connection outside autocommit.
     */
    private static void restoreAutoCommitQuietly(Connection connection, Exception cause) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException restoreFailure) {
            cause.addSuppressed(restoreFailure);
        }
    }

    @Override
    public void close() {
        if (groupCommit != null) {
            groupCommit.close();
        }
        try {
            dataSource.close();
        } catch (SQLException e) {
            throw new DatabaseException("could not close the database", e);
        }
    }
}
