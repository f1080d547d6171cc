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
 * migrates it or says what is wrong. A database opened read-only is never migrated: its version
 * is only checked ({@link #prepare}).
 */
final class Migrations {
    private static final String HISTORY = "flyway_schema_history";
    static final String COMMON = "classpath:db/migration/common";
    /** The newest {@code V<n>__*.sql} under {@code db/migration}; a test keeps the two in step. */
    static final int LATEST_VERSION = 11;

    private Migrations() {}

    /** What opening in {@code mode} asks of the schema: migrated, checked, or taken as it is. */
    static void prepare(DataSource dataSource, Dialect dialect, OpenMode mode) {
        switch (mode) {
            case MIGRATE -> apply(dataSource, dialect);
            case READ_ONLY -> requireLatest(dataSource);
            case READ_ONLY_ANY_VERSION -> { }
        }
    }

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

    /** @throws SchemaVersionException the schema is not this jar's version; nothing was changed */
    private static void requireLatest(DataSource dataSource) {
        int version;
        try (Connection connection = dataSource.getConnection()) {
            version = hasHistory(connection) ? appliedVersion(connection) : 0;
        } catch (SQLException e) {
            throw new DatabaseException("the database could not be read", e);
        }
        if (version != LATEST_VERSION) {
            throw new SchemaVersionException(version, LATEST_VERSION);
        }
    }

    /** Whether Flyway ever ran here; fails when the file or server is no database at all. */
    private static boolean hasHistory(Connection connection) throws SQLException {
        try (ResultSet table = connection.getMetaData().getTables(null, null, HISTORY, null)) {
            return table.next();
        }
    }

    /** The highest version Flyway applied successfully, or 0 before the first migration. */
    static int appliedVersion(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return appliedVersion(connection);
        } catch (SQLException noHistoryYet) {
            return 0;
        }
    }

    private static int appliedVersion(Connection connection) throws SQLException {
        try (Statement query = connection.createStatement();
                ResultSet row = query.executeQuery("SELECT MAX(CAST(version AS INTEGER)) FROM " + HISTORY
                        + " WHERE success AND version IS NOT NULL")) {
            return row.next() ? row.getInt(1) : 0;
        }
    }
}
