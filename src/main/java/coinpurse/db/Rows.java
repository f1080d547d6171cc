package coinpurse.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Single numbers read by {@code copy-db}'s parts: a table's row count, a sum. */
final class Rows {
    private Rows() {}

    static long count(Connection connection, String table) throws SQLException {
        return single(connection, "SELECT COUNT(*) FROM " + table);
    }

    static long single(Connection connection, String sql) throws SQLException {
        try (Statement query = connection.createStatement(); ResultSet row = query.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
