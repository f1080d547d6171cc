package coinpurse.db;

import java.sql.SQLException;

/** The database could not answer or commit; callers answer 503 (or 500 to Stripe). */
public class DatabaseException extends RuntimeException {
    public DatabaseException(String message, SQLException cause) {
        super(message, cause);
    }

    /** A failure of its own, without a cause (a schema of the wrong version). */
    public DatabaseException(String message) {
        super(message);
    }

    /** The schema could not be brought up to date (Flyway's failure, or not a database at all). */
    public DatabaseException(String message, RuntimeException cause) {
        super(message, cause);
    }
}
