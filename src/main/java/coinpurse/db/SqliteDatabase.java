package coinpurse.db;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The SQLite file: one machine, one writer. A small pool of connections ({@link SqlitePool});
 * the write transactions of this process share commits through one writer thread ({@link
 * GroupCommit}, batches run by {@link SqliteWriter}), which also notices when storage refuses
 * writes (a full disk, a read-only file) and recovers when it takes them again.
 */
public final class SqliteDatabase implements Database {
    /** How long a write waits for the writer thread to take it on before it is withdrawn, unwritten. */
    private static final Duration TURN_TIMEOUT = Duration.ofSeconds(60);

    private final HikariDataSource pool;
    private final Path file;
    private final SqliteWriter writer;
    private final GroupCommit groupCommit;

    private SqliteDatabase(HikariDataSource pool, Path file, boolean readOnly, MeterRegistry meters) {
        this.pool = pool;
        this.file = file;
        this.writer = new SqliteWriter(pool, file, readOnly, new CommitMetrics(meters, Dialect.SQLITE));
        this.groupCommit = new GroupCommit(writer::runBatch, TURN_TIMEOUT);
    }

    /**
     * Opens {@code file} as {@code mode} says: to migrate (creating the folder and the file if
     * needed), or read-only, its connections opened read-only and its schema never migrated.
     *
     * @throws SchemaVersionException read-only, on a schema of another version than this jar's
     */
    public static SqliteDatabase open(Path file, MeterRegistry meters, OpenMode mode) {
        if (!mode.readOnly()) {
            createParentFolder(file);
        }
        HikariDataSource pool = SqlitePool.open(file, mode.readOnly());
        try {
            Migrations.prepare(pool, Dialect.SQLITE, mode);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new SqliteDatabase(pool, file, mode.readOnly(), meters);
    }

    private static void createParentFolder(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the database folder " + parent, e);
        }
    }

    /** The SQLite file, for what copies it whole ({@code backup}, {@code copy-db}). */
    public Path file() {
        return file;
    }

    /**
     * Runs work in a write transaction (BEGIN IMMEDIATE) and returns its result once it is
     * committed, as {@link Database#inTransaction} promises. How:
     * <ul>
     * <li>The work runs on the writer thread, not the caller's, possibly beside other callers'
     *     work in one transaction and one commit ({@link GroupCommit}), each under a savepoint of
     *     its own: an exception from the work undoes only its own writes.
     * <li>Starting another transaction inside the work throws: it would wait on its own thread.
     * <li>A {@link DatabaseException}: the commit failed, or the writer did not take the work on
     *     within 60 s and it was withdrawn. Once taken on, the caller waits for the transaction's
     *     end, however long that takes.
     * </ul>
     */
    @Override
    public <T> T inTransaction(SqlWork<T> work) {
        return groupCommit.submit(work);
    }

    /** On the writer's connection, holding out this process's writer meanwhile. */
    @Override
    public <T> T inRolledBackTransaction(SqlWork<T> work) {
        return writer.dryRun(work);
    }

    @Override
    public <T> T read(SqlWork<T> work) {
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new DatabaseException("database read failed", e);
        }
    }

    /**
     * A read transaction on a connection of its own, opened read-only (the pool's connections
     * begin IMMEDIATE, which would take the write lock); under WAL it never blocks a writer.
     * Rolled back at the end.
     */
    @Override
    public <T> T readSnapshot(SqlWork<T> work) {
        try (Connection connection = SqlitePool.snapshotConnection(file)) {
            // BEGIN DEFERRED: the snapshot is taken by the first read and kept until the rollback.
            connection.setAutoCommit(false);
            try {
                return work.run(connection);
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw new DatabaseException("database read failed", e);
        }
    }

    /** Always granted: concurrent runs on one SQLite file already write one at a time. */
    @Override
    public Optional<RunLock> tryRunLock(String name) {
        return Optional.of(() -> { });
    }

    /**
     * True when the database answers a trivial query and, if the last write transaction failed
     * for want of storage, takes a write again. A full disk or a file that turned read-only still
     * answers reads, so after such a failure the check retires the pool's connections (any opened
     * during the fault is read-only) and rewrites the header's {@code user_version} with its own
     * value on a fresh one: one real page written and synced, which fails for as long as writes
     * fail. While writes succeed the check only reads.
     */
    @Override
    public boolean isHealthy() {
        boolean probeWrite = writer.writesFailing();
        if (probeWrite) {
            writer.retireConnections();
        }
        try (Connection connection = pool.getConnection();
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
                writer.writesSucceeded();
            }
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        groupCommit.close();
        writer.close();
        pool.close();
    }
}
