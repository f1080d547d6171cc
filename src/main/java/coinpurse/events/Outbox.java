package coinpurse.events;

import coinpurse.db.Deferred;
import coinpurse.db.Timestamps;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

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

    /**
     * Records the event of a change made now in this transaction; {@code data} becomes its JSON.
     * One statement that needs no answer ({@link Deferred}): the event, numbered after the user's
     * last one, which the index on {@code (user_id, sequence)} finds at once (events are never
     * deleted, so the highest number is the last one given).
     */
    public void record(Connection connection, String userId, EventType type, Object data) throws SQLException {
        Instant instant = timestamps.instant();
        String now = Timestamps.format(instant);
        // Only the head of a user's queue has a time to be sent (see WebhookSender): a later event
        // waits for the one before it, which gives it its time once answered or given up.
        Deferred.execute(connection, """
                INSERT INTO app_events (event_id, user_id, sequence, type, created_at, data, delivery, next_attempt_at)
                VALUES (?, ?, (SELECT COALESCE(MAX(sequence), 0) + 1 FROM app_events WHERE user_id = ?), ?, ?, ?, ?,
                    CASE WHEN ? = 1 AND NOT EXISTS (SELECT 1 FROM app_events WHERE user_id = ? AND delivery = 'pending')
                        THEN ? END)""",
                EventIds.next(instant), userId, userId, type.value(), now,
                EventJson.of(data), pushed ? "pending" : "off", pushed ? 1 : 0, userId, now);
    }
}
