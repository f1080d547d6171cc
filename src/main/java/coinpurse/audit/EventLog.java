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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Stripe events handled here ({@code processed_events}, by webhook or by {@code reconcile}'s
 * replay), newest first, with what each did and why: for {@code events}.
 *
 * <p>An event row names a session only for checkout events; a refund or dispute event is tied to
 * a user through its detail, which names the purchase's session (or payment intent while it is
 * kept for later). So {@code --user} matches an event whose session is the user's, or whose
 * detail names one of the user's sessions or payment intents. The user shown beside such an event
 * is found the same way: from the session or payment intent its detail names.
 */
public final class EventLog {
    private static final String MATCHING = """
            FROM processed_events e LEFT JOIN payment_sessions s ON s.session_id = e.session_id
            WHERE e.processed_at >= ?
              AND (? IS NULL OR e.outcome = ?)
              AND (? IS NULL OR EXISTS (
                    SELECT 1 FROM payment_sessions mine WHERE mine.user_id = ?
                      AND (mine.session_id = e.session_id
                        OR e.detail LIKE '%' || mine.session_id || '%'
                        OR (mine.payment_intent IS NOT NULL AND e.detail LIKE '%' || mine.payment_intent || '%'))))""";
    private static final String LIST = """
            SELECT e.event_id, e.type, e.outcome, e.detail, e.session_id, s.user_id, e.processed_at
            """ + MATCHING + """

            ORDER BY e.processed_at DESC, e.event_id DESC
            LIMIT ?""";
    private static final String COUNT = "SELECT COUNT(*) " + MATCHING;
    private static final Pattern NAMED = Pattern.compile("\\b(cs|pi)_[A-Za-z0-9_]+");
    private static final String OWNER = """
            SELECT user_id FROM payment_sessions WHERE session_id = ? OR payment_intent = ?
            ORDER BY created_at LIMIT 1""";

    /** Which events: processed at {@code since} or later, with this outcome, about this user (each optional). */
    public record Filter(Instant since, Optional<String> outcome, Optional<String> userId, int limit) {}

    /** One handled event; {@code userId} is known when it names a session recorded here. */
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
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            if (event.userId() == null && event.detail() != null) {
                String owner = ownerOfNamed(connection, event.detail());
                events.set(i, new Event(event.eventId(), event.type(), event.outcome(), event.detail(),
                        event.sessionId(), owner, event.processedAt()));
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

    /** The user whose session or payment intent {@code detail} names first (one indexed read), or null. */
    private static String ownerOfNamed(Connection connection, String detail) throws SQLException {
        Matcher named = NAMED.matcher(detail);
        if (!named.find()) {
            return null;
        }
        try (PreparedStatement query = connection.prepareStatement(OWNER)) {
            query.setString(1, named.group());
            query.setString(2, named.group());
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
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
