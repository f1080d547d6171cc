package coinpurse.db;

import java.sql.Connection;
import java.sql.SQLException;

/** Clean-up after a failure that must not hide the failure itself: its own failure is added as suppressed. */
final class Quietly {
    private Quietly() {}

    static void rollback(Connection connection, Exception cause) {
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
    static void restoreAutoCommit(Connection connection, Exception cause) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException restoreFailure) {
            cause.addSuppressed(restoreFailure);
        }
    }

    static void close(AutoCloseable resource, Exception cause) {
        try {
            resource.close();
        } catch (Exception closeFailure) {
            cause.addSuppressed(closeFailure);
        }
    }
}
