package coinpurse.db;

import coinpurse.config.DatabaseAccess;
import coinpurse.metrics.Meters;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Where the data lives, as the features see it: write transactions, dry runs, reads, snapshot
 * reads, run locks and a health check. One class per backend: {@link SqliteDatabase} (the file,
 * one machine: group commit) and {@link PostgresDatabase} (more than one instance: a transaction
 * per connection, advisory locks). What their SQL differs in is {@link Dialect}.
 *
 * <p>How it is opened decides whether its schema may change ({@link OpenMode}): {@link #open} and
 * {@link #openPostgres} migrate it with Flyway ({@code serve}, {@code reconcile}, {@code copy-db},
 * {@code migrate}); {@link #openReadOnly} and {@link #openPostgresReadOnly} never change the
 * database and refuse a schema of another version ({@code verify}, {@code events}, {@code user}).
 */
public interface Database extends AutoCloseable {

    /** Opens (creating the folder and file if needed) and migrates the SQLite database {@code file}. */
    static SqliteDatabase open(Path file) {
        return open(file, Meters.off().registry());
    }

    /** As {@link #open(Path)}, timing commits and counting group-commit batches on {@code meters}. */
    static SqliteDatabase open(Path file, MeterRegistry meters) {
        return SqliteDatabase.open(file, meters, OpenMode.MIGRATE);
    }

    /** Opens the SQLite database {@code file} read-only; see {@link OpenMode#READ_ONLY}. */
    static SqliteDatabase openReadOnly(Path file) {
        return SqliteDatabase.open(file, Meters.off().registry(), OpenMode.READ_ONLY);
    }

    /**
     * Connects to PostgreSQL and migrates its schema.
     *
     * @throws DatabaseException with one line naming host and port (never the password) when the
     *     server cannot be reached or refuses the login
     */
    static PostgresDatabase openPostgres(DatabaseAccess target) {
        return openPostgres(target, Meters.off().registry());
    }

    /** As {@link #openPostgres(DatabaseAccess)}, timing commits on {@code meters}. */
    static PostgresDatabase openPostgres(DatabaseAccess target, MeterRegistry meters) {
        return PostgresDatabase.open(target, meters, OpenMode.MIGRATE);
    }

    /** Connects to PostgreSQL read-only; see {@link OpenMode#READ_ONLY}. */
    static PostgresDatabase openPostgresReadOnly(DatabaseAccess target) {
        return PostgresDatabase.open(target, Meters.off().registry(), OpenMode.READ_ONLY);
    }

    /**
     * Runs work in a write transaction and returns its result once it is committed. What a
     * caller should know:
     * <ul>
     * <li>An exception from the work undoes its writes and reaches the caller as thrown.
     * <li>The work must not start another transaction, nor wait for another thread that writes
     *     (on SQLite every write of this process goes through one writer thread).
     * <li>A {@link DatabaseException} means nothing of the work was committed. The caller is never
     *     told "failed" for work that later commits.
     * </ul>
     * Each backend's javadoc says how it keeps this ({@link SqliteDatabase#inTransaction},
     * {@link PostgresDatabase#inTransaction}).
     */
    <T> T inTransaction(SqlWork<T> work);

    /**
     * Runs work in a write transaction like {@link #inTransaction}, then rolls it back: what
     * the work would have done, without doing it (a dry run).
     */
    <T> T inRolledBackTransaction(SqlWork<T> work);

    /** Runs read-only work outside any transaction (each statement in autocommit). */
    <T> T read(SqlWork<T> work);

    /**
     * Runs read-only work on one consistent snapshot of the whole database, without holding up
     * writers: every query of the work sees the same committed state.
     */
    <T> T readSnapshot(SqlWork<T> work);

    /**
     * Takes the database-wide lock {@code name} if no one holds it, for a run that must not
     * overlap another (on any host); empty when someone holds it.
     */
    Optional<RunLock> tryRunLock(String name);

    /** True when the database answers, and (after a write failed for want of storage) takes writes again. */
    boolean isHealthy();

    /** What differs between the backends, for the code that writes SQL. */
    Dialect dialect();

    /**
     * The connection pool itself, for what is not a feature's transaction: Flyway, a backup,
     * tests that look at rows directly. Feature code uses the methods above ({@code
     * ArchitectureTest} keeps it so).
     */
    DataSource dataSource();

    /** The version of the newest migration applied to this database's schema (0: none yet). */
    default int schemaVersion() {
        return Migrations.appliedVersion(dataSource());
    }

    /** Lets writes in flight finish, then closes every connection. */
    @Override
    void close();

    /** Held while a run that must not overlap another (on any host) goes on; closing releases it. */
    interface RunLock extends AutoCloseable {
        @Override
        void close();
    }
}
