package coinpurse.db;

import coinpurse.config.DatabaseAccess;
import coinpurse.config.JdbcUrls;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * The connections to PostgreSQL, pooled by HikariCP. A connection is checked (the driver's
 * {@code isValid}) when it is borrowed after sitting idle for more than half a second, and one
 * that fails with a broken-connection error is dropped, so after an outage the pool hands out
 * fresh ones and the server recovers by itself; a connection in steady use costs no round trip
 * to borrow. Bounded waits everywhere, so that a database that does not answer becomes a 503
 * (or a 500 to Stripe) rather than a hung request. READ COMMITTED is set once per connection,
 * and only if the server's default differs; the driver keeps each connection's prepared
 * statements itself.
 */
final class PostgresPool {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration BORROW_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(2);

    private PostgresPool() {}

    /**
     * A pool of {@code db.pool_size} connections to {@code target}, after one connection was
     * opened and closed: a wrong host, port or password stops here at once, in one line. A
     * read-only pool's connections are read-only on the server ({@code default_transaction_read_only}).
     *
     * @throws DatabaseException naming host and port, never the password
     */
    static HikariDataSource open(DatabaseAccess target, boolean readOnly) {
        String url = target.postgresUrl().orElseThrow();
        Properties settings = new Properties();
        settings.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        settings.setProperty("ApplicationName", "coinpurse");
        settings.setProperty("tcpKeepAlive", "true");
        if (readOnly) {
            settings.setProperty("options", "-c default_transaction_read_only=on");
        }
        DriverDataSource postgres;
        try {
            postgres = new DriverDataSource(url, Driver.class.getName(), settings,
                    target.user().orElse(null), target.password().orElse(null));
        } catch (RuntimeException e) {
            // Not chained: the driver's message quotes the URL, which may carry a password.
            throw new DatabaseException("db.url is no URL the PostgreSQL driver accepts");
        }
        try (Connection probe = postgres.getConnection()) {
            probe.getAutoCommit();
        } catch (SQLException e) {
            throw new DatabaseException("cannot reach PostgreSQL at " + JdbcUrls.hostAndPort(url) + ": "
                    + RootCause.firstLine(e), e);
        }
        HikariConfig pool = new HikariConfig();
        pool.setPoolName(readOnly ? "coinpurse-postgres-read-only" : "coinpurse-postgres");
        pool.setDataSource(postgres);
        pool.setMaximumPoolSize(target.poolSize());
        // Opened as needed (up to the size) and kept while used: instances that idle hold few.
        pool.setMinimumIdle(0);
        pool.setConnectionTimeout(BORROW_TIMEOUT.toMillis());
        pool.setValidationTimeout(VALIDATION_TIMEOUT.toMillis());
        pool.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        pool.setInitializationFailTimeout(-1); // the probe above did that
        return new HikariDataSource(pool);
    }
}
