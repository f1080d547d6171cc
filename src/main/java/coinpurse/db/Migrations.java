package coinpurse.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The versioned schema, applied by Flyway from {@code db/migration}. Flyway takes most of a
 * second to start, so a database whose history already ends at {@link #LATEST_VERSION} is left
 * to itself; any other (new, behind, failed, or ahead of this jar) goes through Flyway, which
 * migrates it or says what is wrong.
 */
final class Migrations {
    /** The newest {@code V<n>__*.sql} in {@code db/migration}; a test keeps the two in step. */
    static final int LATEST_VERSION = 3;

    private Migrations() {}

    static void apply(DataSource dataSource) {
        if (appliedVersion(dataSource) == LATEST_VERSION) {
            return;
        }
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    /** The highest version Flyway applied successfully, or 0 before the first migration. */
    static int appliedVersion(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
                Statement query = connection.createStatement();
                ResultSet row = query.executeQuery("""
                        SELECT MAX(CAST(version AS INTEGER)) FROM flyway_schema_history
                        WHERE success = 1 AND version IS NOT NULL""")) {
            return row.next() ? row.getInt(1) : 0;
        } catch (SQLException noHistoryYet) {
            return 0;
        }
    }
}
