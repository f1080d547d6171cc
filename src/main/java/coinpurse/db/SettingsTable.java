package coinpurse.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code settings} table: values a deployment keeps for itself. Writes run on the caller's transaction. */
public final class SettingsTable {
    private final Timestamps timestamps;

    public SettingsTable(Timestamps timestamps) {
        this.timestamps = timestamps;
    }


    public Optional<String> get(Connection connection, String name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT value FROM settings WHERE name = ?")) {
            query.setString(1, name);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        }
    }

    public void put(Connection connection, String name, String value) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at""")) {
            upsert.setString(1, name);
            upsert.setString(2, value);
            upsert.setString(3, timestamps.now());
            upsert.executeUpdate();
        }
    }
}
