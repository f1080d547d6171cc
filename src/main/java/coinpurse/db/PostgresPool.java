package coinpurse.db;

import coinpurse.config.DatabaseAccess;
import coinpurse.config.JdbcUrls;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.apache.commons.dbcp2.BasicDataSource;
import org.postgresql.Driver;

/**
 * The connections to PostgreSQL: validated when borrowed, so that after an outage the pool
 * hands out fresh ones and the server recovers by itself; bounded waits everywhere, so that a
 * database that does not answer becomes a 503 (or a 500 to Stripe) rather than a hung request.
 */
final class PostgresPool {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration BORROW_TIMEOUT = Duration.ofSeconds(10);
    private static final int STATEMENTS_PER_CONNECTION = 64;

    private PostgresPool() {}

    static BasicDataSource create(DatabaseAccess target) {
        BasicDataSource dataSource = new BasicDataSource();
        dataSource.setDriver(new Driver());
        dataSource.setUrl(target.postgresUrl().orElseThrow());
        target.user().ifPresent(dataSource::setUsername);
        target.password().ifPresent(dataSource::setPassword);
        dataSource.addConnectionProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        dataSource.addConnectionProperty("ApplicationName", "coinpurse");
        dataSource.addConnectionProperty("tcpKeepAlive", "true");
        dataSource.setMaxTotal(target.poolSize());
        dataSource.setMaxIdle(target.poolSize());
        dataSource.setMinIdle(0);
        dataSource.setMaxWait(BORROW_TIMEOUT);
        dataSource.setTestOnBorrow(true);
        dataSource.setValidationQueryTimeout(Duration.ofSeconds(2));
        // Set once per connection: dbcp2's defaultTransactionIsolation would ask the server for the
        // current level (a round trip, SHOW TRANSACTION ISOLATION LEVEL) on every borrow.
        dataSource.setConnectionInitSqls(List.of("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED"));
        dataSource.setPoolPreparedStatements(true);
        dataSource.setMaxOpenPreparedStatements(STATEMENTS_PER_CONNECTION);
        dataSource.setRegisterConnectionMBean(false);
        return dataSource;
    }

    /** Opens one connection now, so that a wrong host, port or password stops the start with one line. */
    static void checkReachable(BasicDataSource dataSource, DatabaseAccess target) {
        try (Connection connection = dataSource.getConnection()) {
            connection.isValid(2);
        } catch (SQLException e) {
            throw new DatabaseException("cannot reach PostgreSQL at "
                    + JdbcUrls.hostAndPort(target.postgresUrl().orElseThrow()) + ": " + RootCause.firstLine(e), e);
        }
    }
}
