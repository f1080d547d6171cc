package coinpurse.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A trigger of the tests' own that writes down every update of a hold's status, by whichever
 * transaction or instance makes it: "resolved exactly once" is one row here, whatever the answers said.
 */
public final class HoldStatusChanges {
    private HoldStatusChanges() {}

    /** Adds the table and its trigger to the database {@code connection} is on (PostgreSQL or SQLite). */
    public static void record(Connection connection, boolean postgres) throws SQLException {
        try (Statement sql = connection.createStatement()) {
            if (postgres) {
                sql.execute("CREATE TABLE hold_status_changes (seq BIGINT GENERATED ALWAYS AS IDENTITY,"
                        + " hold_id TEXT NOT NULL, status TEXT NOT NULL)");
                sql.execute("""
                        CREATE FUNCTION record_hold_status() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN
                            INSERT INTO hold_status_changes (hold_id, status) VALUES (NEW.hold_id, NEW.status);
                            RETURN NULL;
                        END $$""");
                sql.execute("CREATE TRIGGER hold_status_changed AFTER UPDATE OF status ON holds"
                        + " FOR EACH ROW EXECUTE FUNCTION record_hold_status()");
            } else {
                sql.execute("CREATE TABLE hold_status_changes (seq INTEGER PRIMARY KEY,"
                        + " hold_id TEXT NOT NULL, status TEXT NOT NULL)");
                sql.execute("""
                        CREATE TRIGGER hold_status_changed AFTER UPDATE OF status ON holds
                        BEGIN INSERT INTO hold_status_changes (hold_id, status) VALUES (NEW.hold_id, NEW.status); END""");
            }
        }
    }

    /** The statuses the hold's row was given, in order. */
    public static List<String> of(Connection connection, String holdId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT status FROM hold_status_changes WHERE hold_id = ? ORDER BY seq")) {
            query.setString(1, holdId);
            try (ResultSet rows = query.executeQuery()) {
                List<String> statuses = new ArrayList<>();
                while (rows.next()) {
                    statuses.add(rows.getString(1));
                }
                return statuses;
            }
        }
    }
}
