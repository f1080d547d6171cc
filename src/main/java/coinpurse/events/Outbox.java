package coinpurse.events;

import coinpurse.db.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Writes each event in the transaction of the change it tells of (the outbox pattern), so an event
 * exists exactly when its change committed: a rolled-back spend, a 409, a replayed idempotency key
 * or a duplicate Stripe delivery, which change nothing, make none. The caller holds the user's
 * lock (every change of a user's coins, holds and purchases takes it first), so the user's
 * {@code sequence} grows by one per event, without gaps, in the order the changes commit.
 */
public final class Outbox {
    private final Timestamps timestamps;
    private final boolean pushed;

    /** {@code pushed}: whether {@code events.webhook_url} is set, so new events wait to be sent there. */
    public Outbox(Timestamps timestamps, boolean pushed) {
        this.timestamps = timestamps;
        this.pushed = pushed;
    }

    /** Records the event of a change made now in this transaction; {@code data} becomes its JSON. */
    public void record(Connection connection, String userId, EventType type, Object data) throws SQLException {
        long sequence = nextSequence(connection, userId);
        String now = timestamps.now();
        // Only the head of a user's queue has a time to be sent (see WebhookSender): a later event
        // waits for the one before it, which gives it its time once answered or given up.
        String sendAt = pushed && !Deliveries.hasPending(connection, userId) ? now : null;
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO app_events (event_id, user_id, sequence, type, created_at, data, delivery, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setString(1, "evt_" + UUID.randomUUID().toString().replace("-", ""));
            insert.setString(2, userId);
            insert.setLong(3, sequence);
            insert.setString(4, type.value());
            insert.setString(5, now);
            insert.setString(6, EventJson.of(data));
            insert.setString(7, pushed ? "pending" : "off");
            insert.setString(8, sendAt);
            insert.executeUpdate();
        }
    }

    private static long nextSequence(Connection connection, String userId) throws SQLException {
        try (PreparedStatement next = connection.prepareStatement(
                "UPDATE users SET last_event_sequence = last_event_sequence + 1 WHERE id = ? RETURNING last_event_sequence")) {
            next.setString(1, userId);
            try (ResultSet row = next.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("an event of user " + userId + ", who is not stored");
                }
                return row.getLong(1);
            }
        }
    }
}
