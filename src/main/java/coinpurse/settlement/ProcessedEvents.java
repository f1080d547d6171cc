package coinpurse.settlement;

import coinpurse.db.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Webhook events already handled, with what handling them did. */
public final class ProcessedEvents {
    private static final int DETAIL_LENGTH = 255;

    private final Timestamps timestamps;

    public ProcessedEvents(Timestamps timestamps) {
        this.timestamps = timestamps;
    }

    public boolean contains(Connection connection, String eventId) throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement("SELECT 1 FROM processed_events WHERE event_id = ?")) {
            query.setString(1, eventId);
            try (ResultSet row = query.executeQuery()) {
                return row.next();
            }
        }
    }

    /**
     * Remembers what handling the event did, in the handling's transaction. False when another
     * transaction (on PostgreSQL, perhaps another instance) recorded the same event first: that
     * one's handling stands, and this one's found it already done under the same locks.
     */
    public boolean record(Connection connection, String eventId, String type, String sessionId,
            FulfilmentResult result) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO processed_events (event_id, type, session_id, outcome, detail, processed_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (event_id) DO NOTHING""")) {
            insert.setString(1, eventId);
            insert.setString(2, type);
            insert.setString(3, sessionId);
            insert.setString(4, result.label());
            String detail = result.detail();
            insert.setString(5, detail != null && detail.length() > DETAIL_LENGTH
                    ? detail.substring(0, DETAIL_LENGTH) : detail);
            insert.setString(6, timestamps.now());
            return insert.executeUpdate() == 1;
        }
    }
}
