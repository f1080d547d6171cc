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
     * Claims {@code eventId} for this transaction: true when no transaction handled it before.
     * A concurrent transaction claiming the same id waits for this one to end, then gets false
     * (or true, if this one rolled back): the event's primary key is what makes it act once,
     * across processes too.
     */
    public boolean claim(Connection connection, String eventId, String type, String sessionId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO processed_events (event_id, type, session_id, outcome, detail, processed_at)
                VALUES (?, ?, ?, 'handling', NULL, ?)
                ON CONFLICT (event_id) DO NOTHING""")) {
            insert.setString(1, eventId);
            insert.setString(2, type);
            insert.setString(3, sessionId);
            insert.setString(4, timestamps.now());
            return insert.executeUpdate() == 1;
        }
    }

    /** Stores what handling the claimed event did, in the same transaction as the claim. */
    public void record(Connection connection, String eventId, FulfilmentResult result) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE processed_events SET outcome = ?, detail = ? WHERE event_id = ?")) {
            update.setString(1, result.label());
            String detail = result.detail();
            update.setString(2, detail != null && detail.length() > DETAIL_LENGTH
                    ? detail.substring(0, DETAIL_LENGTH) : detail);
            update.setString(3, eventId);
            update.executeUpdate();
        }
    }
}
