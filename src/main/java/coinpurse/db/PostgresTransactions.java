package coinpurse.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import javax.sql.DataSource;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * Write transactions on PostgreSQL, each on its own pooled connection, many at once, at READ
 * COMMITTED: the guarantees come from the database (unique constraints, {@code INSERT … ON
 * CONFLICT}, row and advisory locks taken by the work itself, see {@link Dialect}). A
 * transaction that PostgreSQL aborts for a serialization failure or a deadlock (SQLSTATE 40001,
 * 40P01) did nothing, and is run again from the start, a few times. The work's {@link Deferred}
 * statements travel with its next statement or its COMMIT ({@link Pipeline}).
 */
final class PostgresTransactions {
    static final int ATTEMPTS = 5;
    private static final Set<String> RETRYABLE = Set.of("40001", "40P01");
    private static final Duration FIRST_PAUSE = Duration.ofMillis(10);

    private final DataSource dataSource;
    private final CommitMetrics metrics;

    PostgresTransactions(DataSource dataSource, CommitMetrics metrics) {
        this.dataSource = dataSource;
        this.metrics = metrics;
    }

    <T> T run(SqlWork<T> work, boolean commit) {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(work, commit);
            } catch (SQLException e) {
                if (!isRetryable(e) || attempt == ATTEMPTS) {
                    throw new DatabaseException("database transaction failed", e);
                }
                pause(attempt);
            }
        }
    }

    private <T> T once(SqlWork<T> work, boolean commit) throws SQLException {
        try (Connection real = dataSource.getConnection()) {
            // The BEGIN goes with the work's first statement, its deferred ones with the next, the
            // last ones with the COMMIT; the pooled connection stays in autocommit.
            Connection connection = Pipeline.transaction(real);
            try {
                T result = work.run(connection);
                if (commit) {
                    long commitStarted = System.nanoTime();
                    connection.commit();
                    metrics.committed(System.nanoTime() - commitStarted);
                } else {
                    connection.rollback();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                Quietly.rollback(connection, e);
                if (!real.isClosed() && real.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE) {
                    real.abort(Runnable::run); // no ROLLBACK got through: never back to the pool inside a transaction
                }
                throw e;
            }
        }
    }

    static boolean isRetryable(SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && RETRYABLE.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(FIRST_PAUSE.toMillis() << (attempt - 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("database transaction failed", new SQLException("interrupted", e));
        }
    }
}
