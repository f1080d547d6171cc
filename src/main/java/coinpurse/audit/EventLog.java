package coinpurse.audit;

import coinpurse.db.Database;
import coinpurse.db.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Stripe events handled here ({@code processed_events}, by webhook or by {@code reconcile}'s
 * replay), newest first, with what each did and why: for {@code events}.
 *
 * <p>Each row carries the user of the payment session its event is about, stored when the event
 * was handled ({@code settlement/ProcessedEvents}; rows from before schema V9 got theirs from their
 * session or the session or payment intent their detail names). {@code --user} matches that id
 * exactly, and it is the user shown beside the event; an event about no session here has none.
 */
public final class EventLog {
    private static final String MATCHING = """
            FROM processed_events e
            WHERE e.processed_at >= ?
              AND (? IS NULL OR e.outcome = ?)
              AND (? IS NULL OR e.user_id = ?)""";
    private static final String LIST = """
            SELECT e.event_id, e.type, e.outcome, e.detail, e.session_id, e.user_id, e.processed_at
            """ + MATCHING + """

            ORDER BY e.processed_at DESC, e.event_id DESC
            LIMIT ?""";
    private static final String COUNT = "SELECT COUNT(*) " + MATCHING;

    /** Which events: processed at {@code since} or later, with this outcome, about this user (each optional). */
    public record Filter(Instant since, Optional<String> outcome, Optional<String> userId, int limit) {}

    /** One handled event; {@code userId} is known when it is about a session recorded here. */
    public record Event(String eventId, String type, String outcome, String detail, String sessionId, String userId,
            String processedAt) {}

    /** The newest events that match, at most {@code limit}, and how many match in all. */
    public record Page(List<Event> events, long matching) {}

    public Page list(Database db, Filter filter) {
        return db.readSnapshot(connection -> list(connection, filter));
    }

    private static Page list(Connection connection, Filter filter) throws SQLException {
        List<Event> events = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(LIST)) {
            int next = bind(query, filter);
            query.setInt(next, filter.limit());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    events.add(new Event(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                            rows.getString(5), rows.getString(6), rows.getString(7)));
                }
            }
        }
        long matching;
        try (PreparedStatement query = connection.prepareStatement(COUNT)) {
            bind(query, filter);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                matching = row.getLong(1);
            }
        }
        return new Page(List.copyOf(events), matching);
    }

    /** Binds the filter's parameters; answers the index of the next one. */
    private static int bind(PreparedStatement query, Filter filter) throws SQLException {
        query.setString(1, Timestamps.format(filter.since()));
        query.setString(2, filter.outcome().orElse(null));
        query.setString(3, filter.outcome().orElse(null));
        query.setString(4, filter.userId().orElse(null));
        query.setString(5, filter.userId().orElse(null));
        return 6;
    }
}
