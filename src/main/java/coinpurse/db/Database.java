package coinpurse.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite file: a small connection pool whose connections all use WAL, a busy timeout,
 * foreign keys and synchronous=FULL, and whose write transactions begin IMMEDIATE so that
 * a read-then-write never fails half-way with SQLITE_BUSY on upgrade.
 */
public final class Database implements AutoCloseable {
    private static final int BUSY_TIMEOUT_MS = 10_000;
    private static final int POOL_SIZE = 8;

    private final HikariDataSource dataSource;
    private final Path file;

    private Database(HikariDataSource dataSource, Path file) {
        this.dataSource = dataSource;
        this.file = file;
    }

    /** Opens (creating the folder and file if needed) and migrates the schema. */
    public static Database open(Path file) {
        createParentFolder(file);
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.enforceForeignKeys(true);
        sqlite.setBusyTimeout(BUSY_TIMEOUT_MS);
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);

        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("coinpurse-db");
        hikari.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath());
        hikari.setDataSourceProperties(sqlite.toProperties());
        hikari.setMaximumPoolSize(POOL_SIZE);
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(BUSY_TIMEOUT_MS);
        HikariDataSource dataSource = new HikariDataSource(hikari);
        try {
            migrate(dataSource);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource, file);
    }

    private static void createParentFolder(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the database folder " + parent, e);
        }
    }

    private static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Path file() {
        return file;
    }

    /**
     * Runs work in one write transaction (BEGIN IMMEDIATE on SQLite) and commits it;
     * any exception rolls everything back.
     */
    public <T> T inTransaction(SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new DatabaseException("database transaction failed", e);
        }
    }

    /**
     * Runs work in a write transaction like {@link #inTransaction}, then rolls it back: what
     * the work would have done, without doing it (a dry run).
     */
    public <T> T inRolledBackTransaction(SqlWork<T> work) {
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
        }
    }

    /** Runs read-only work outside any write transaction. */
    public <T> T read(SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new DatabaseException("database read failed", e);
        }
    }

    /** True when the database answers a trivial query. */
    public boolean isHealthy() {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(2);
            return statement.executeQuery("SELECT 1").next();
        } catch (SQLException e) {
            return false;
        }
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
