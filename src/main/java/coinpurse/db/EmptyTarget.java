package coinpurse.db;

import coinpurse.config.DatabaseAccess;
import coinpurse.db.CopyToPostgres.CopyFailedException;
import coinpurse.metrics.Meters;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** {@code copy-db} fills only an empty PostgreSQL database: a target holding any coinpurse row is refused. */
final class EmptyTarget {
    private EmptyTarget() {}

    /**
     * Refuses a target that holds coinpurse rows before Flyway touches it, so that a refused run
     * does not even migrate an older schema there (opened read-only, as it is). The check inside
     * the copy's transaction ({@link #lockAndRequireEmpty}) is the one that counts.
     */
    static void requireEmptyBeforeMigrating(DatabaseAccess target) {
        try (PostgresDatabase look = PostgresDatabase.open(target, Meters.off().registry(),
                        OpenMode.READ_ONLY_ANY_VERSION);
                Connection connection = look.dataSource().getConnection()) {
            refuseRows(connection, true);
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the target database", e);
        }
    }

    /**
     * Locks every table against writers until the copy ends (readers go on), then refuses any row:
     * nothing can slip in between the check and the copy.
     */
    static void lockAndRequireEmpty(Connection postgres) throws SQLException {
        try (Statement lock = postgres.createStatement()) {
            lock.execute("LOCK TABLE " + String.join(", ", CopyToPostgres.TABLES) + " IN EXCLUSIVE MODE");
        }
        refuseRows(postgres, false);
    }

    private static void refuseRows(Connection postgres, boolean tablesMayBeMissing) throws SQLException {
        List<String> holding = new ArrayList<>();
        for (String table : CopyToPostgres.TABLES) {
            if (tablesMayBeMissing && !exists(postgres, table)) {
                continue;
            }
            long rows = Rows.count(postgres, table);
            if (rows > 0) {
                holding.add(table + ": " + rows + (rows == 1 ? " row" : " rows"));
            }
        }
        if (!holding.isEmpty()) {
            String settingsOnly = holding.size() == 1 && holding.get(0).startsWith("settings:")
                    ? ", the instance id of a server once started on it" : "";
            throw new CopyFailedException("the target database is not empty (" + String.join(", ", holding)
                    + settingsOnly + "): copy-db fills only an empty database; nothing was written");
        }
    }

    private static boolean exists(Connection postgres, String table) throws SQLException {
        try (PreparedStatement query = postgres.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            query.setString(1, table);
            try (ResultSet row = query.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }
}
