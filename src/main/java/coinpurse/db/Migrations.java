package coinpurse.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The versioned schema, applied by Flyway: one history for both backends, from
 * {@code db/migration/common} and the backend's own folder ({@link Dialect#migrations()}: only
 * the first migration differs, in how the ledger numbers its rows). Flyway takes most of a
 * second to start, so a database whose history already ends at {@link #LATEST_VERSION} is left
 * to itself; any other (new, behind, failed, or ahead of this jar) goes through Flyway, which
 * migrates it or says what is wrong.
 */
final class Migrations {
    static final String COMMON = "classpath:db/migration/common";
    /** The newest {@code V<n>__*.sql} under {@code db/migration}; a test keeps the two in step. */
    static final int LATEST_VERSION = 8;

    private Migrations() {}

    static void apply(DataSource dataSource, Dialect dialect) {
        if (appliedVersion(dataSource) == LATEST_VERSION) {
            return;
        }
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations(COMMON, dialect.migrations())
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            // Not a database, or one this jar cannot read: one line for the person at the console.
            String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new DatabaseException("the database could not be opened or migrated: " + first, e);
        }
    }

    /** The highest version Flyway applied successfully, or 0 before the first migration. */
    static int appliedVersion(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
                Statement query = connection.createStatement();
                ResultSet row = query.executeQuery("""
                        SELECT MAX(CAST(version AS INTEGER)) FROM flyway_schema_history
                        WHERE success AND version IS NOT NULL""")) {
            return row.next() ? row.getInt(1) : 0;
        } catch (SQLException noHistoryYet) {
            return 0;
        }
    }
}
