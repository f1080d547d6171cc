package coinpurse.db;

import coinpurse.config.DatabaseAccess;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A PostgreSQL database, for more than one instance: a pool of {@code db.pool_size} connections
 * ({@link PostgresPool}), each write transaction on its own ({@link PostgresTransactions}), many
 * at once. What SQLite's single writer gives for free, the work gets from the locks that {@link
 * Dialect} takes; runs that must not overlap take a session advisory lock ({@link #tryRunLock}).
 */
public final class PostgresDatabase implements Database {
    private final HikariDataSource pool;
    private final PostgresTransactions transactions;

    private PostgresDatabase(HikariDataSource pool, MeterRegistry meters) {
        this.pool = pool;
        this.transactions = new PostgresTransactions(pool, new CommitMetrics(meters, Dialect.POSTGRES));
    }

    /**
     * Connects to {@code target} and, as {@code mode} says, migrates its schema or opens it
     * read-only (every transaction read-only on the server, the schema never migrated).
     *
     * @throws DatabaseException with one line naming host and port (never the password) when the
     *     server cannot be reached or refuses the login
     * @throws SchemaVersionException read-only, on a schema of another version than this jar's
     */
    public static PostgresDatabase open(DatabaseAccess target, MeterRegistry meters, OpenMode mode) {
        HikariDataSource pool = PostgresPool.open(target, mode.readOnly());
        try {
            Migrations.prepare(pool, Dialect.POSTGRES, mode);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new PostgresDatabase(pool, meters);
    }

    /**
     * Runs work in a READ COMMITTED transaction on a pooled connection of its own and commits it;
     * one that PostgreSQL aborts for a serialization failure or a deadlock is run again from the
     * start ({@link PostgresTransactions}). Concurrent callers commit side by side, each alone.
     */
    @Override
    public <T> T inTransaction(SqlWork<T> work) {
        return transactions.run(work, true);
    }

    @Override
    public <T> T inRolledBackTransaction(SqlWork<T> work) {
        return transactions.run(work, false);
    }

    @Override
    public <T> T read(SqlWork<T> work) {
        try (Connection real = pool.getConnection()) {
            // Deferred queries go with the next statement, each in autocommit as ever.
            Connection connection = Pipeline.around(real);
            T result = work.run(connection);
            Pipeline.of(connection).flush();
            return result;
        } catch (SQLException e) {
            throw new DatabaseException("database read failed", e);
        }
    }

    /** A REPEATABLE READ READ ONLY transaction on a pooled connection, rolled back at the end. */
    @Override
    public <T> T readSnapshot(SqlWork<T> work) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement snapshot = connection.createStatement()) {
                // For this transaction only: the pooled connection keeps its own defaults.
                snapshot.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                return work.run(connection);
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new DatabaseException("database read failed", e);
        }
    }

    /**
     * A session advisory lock on {@code name}, held on a connection of its own until closed (or
     * until this process dies), on every host that uses this database.
     */
    @Override
    public Optional<RunLock> tryRunLock(String name) {
        try {
            Connection connection = pool.getConnection();
            try {
                if (!advisory(connection, "pg_try_advisory_lock", name)) {
                    connection.close();
                    return Optional.empty();
                }
            } catch (SQLException e) {
                Quietly.close(connection, e);
                throw e;
            }
            return Optional.of(() -> {
                try (connection) {
                    advisory(connection, "pg_advisory_unlock", name);
                } catch (SQLException e) {
                    throw new DatabaseException("could not release the lock " + name, e);
                }
            });
        } catch (SQLException e) {
            throw new DatabaseException("could not take the lock " + name, e);
        }
    }

    private static boolean advisory(Connection connection, String function, String name) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT " + function + "(hashtextextended(?, 0))")) {
            lock.setString(1, name);
            try (ResultSet row = lock.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    /** True when PostgreSQL answers a trivial query within 2 s. */
    @Override
    public boolean isHealthy() {
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(2);
            return statement.executeQuery("SELECT 1").next();
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRES;
    }

    @Override
    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
