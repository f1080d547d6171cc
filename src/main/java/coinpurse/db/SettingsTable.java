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

    /**
     * Keeps {@code value} unless a value is kept already (another instance may have stored one at
     * the same moment), and returns the value kept.
     */
    public String putIfAbsent(Connection connection, String name, String value) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (name) DO NOTHING""")) {
            insert.setString(1, name);
            insert.setString(2, value);
            insert.setString(3, timestamps.now());
            insert.executeUpdate();
        }
        return get(connection, name).orElseThrow();
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
