package coinpurse.settlement;

import coinpurse.db.Deferred;
import coinpurse.db.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Webhook events already handled, with what handling them did and the version of the rules that
 * handled them. An event counts as done unless older rules acknowledged and ignored it: such an
 * event (a type they did not handle, a refund that came before its purchase) is handled again
 * by today's rules when it comes again, once.
 */
public final class ProcessedEvents {
    /**
     * The version of the rules {@link StripeEventHandler} handles events by; raise it when an event
     * that was ignored before may now have an effect. Rows written before versions were kept have none.
     */
    static final int RULES_VERSION = 5;
    private static final int DETAIL_LENGTH = 255;
    private static final String IGNORED = FulfilmentResult.of(FulfilmentResult.Outcome.IGNORED, "").label();

    private final Timestamps timestamps;

    public ProcessedEvents(Timestamps timestamps) {
        this.timestamps = timestamps;
    }

    /** True when the event was handled before and is not one that older rules ignored. */
    public boolean isDone(Connection connection, String eventId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT outcome, rules_version FROM processed_events WHERE event_id = ?")) {
            query.setString(1, eventId);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return false;
                }
                String outcome = row.getString(1);
                int version = row.getInt(2);
                boolean olderRules = row.wasNull() || version < RULES_VERSION;
                return !(IGNORED.equals(outcome) && olderRules);
            }
        }
    }

    /**
     * Remembers what handling the event did, in the handling's transaction (over the row of older
     * rules that ignored it), with the user of the payment session it is about (by {@code sessionId},
     * else by {@code paymentIntent}; none when no session here is), which {@code events --user}
     * matches. False when another transaction (on PostgreSQL, perhaps another instance) recorded the
     * same event first: that one's handling stands, and this one's found it already done under the
     * same locks. Sent with the transaction's next statement, usually its COMMIT ({@link Deferred});
     * the answer is known once it was sent.
     */
    public Deferred.Later<Boolean> record(Connection connection, String eventId, String type, String sessionId,
            String paymentIntent, FulfilmentResult result) throws SQLException {
        String detail = result.detail();
        return Deferred.query(connection, ResultSet::next, """
                INSERT INTO processed_events
                    (event_id, type, session_id, outcome, detail, processed_at, rules_version, user_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT user_id FROM payment_sessions
                    WHERE session_id = ? OR payment_intent = ? ORDER BY created_at LIMIT 1))
                ON CONFLICT (event_id) DO UPDATE SET
                    outcome = excluded.outcome, detail = excluded.detail, processed_at = excluded.processed_at,
                    rules_version = excluded.rules_version, user_id = excluded.user_id
                WHERE processed_events.outcome = ?
                    AND (processed_events.rules_version IS NULL OR processed_events.rules_version < ?)
                RETURNING event_id""", eventId, type, sessionId, result.label(),
                detail != null && detail.length() > DETAIL_LENGTH ? detail.substring(0, DETAIL_LENGTH) : detail,
                timestamps.now(), RULES_VERSION, sessionId, paymentIntent, IGNORED, RULES_VERSION);
    }
}
