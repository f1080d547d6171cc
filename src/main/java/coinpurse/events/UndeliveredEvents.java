package coinpurse.events;

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
 * The events not delivered to {@code events.webhook_url}: those still pending and those given up
 * after 3 days, oldest first, with their attempts, next attempt and last error: for
 * {@code coinpurse events --undelivered}.
 */
public final class UndeliveredEvents {
    private static final String MATCHING = " FROM app_events WHERE delivery IN ('pending', 'failed')"
            + " AND (? IS NULL OR user_id = ?)";

    /**
     * One event: {@code state} is {@code due} (never tried, its time has come), {@code retrying} (tried,
     * waits for {@code next_attempt_at}), {@code sending} (an instance holds it until
     * {@code next_attempt_at}), {@code queued} (waits for the user's earlier event) or {@code given_up}.
     */
    public record Undelivered(String eventId, String userId, long sequence, String type, String createdAt,
            String state, int attempts, String nextAttemptAt, String lastError) {}

    /** The oldest that match, at most the limit, and how many match in all. */
    public record Page(List<Undelivered> events, long matching) {}

    public Page list(Database db, Optional<String> userId, int limit, Instant now) {
        return db.readSnapshot(connection -> list(connection, userId.orElse(null), limit, Timestamps.format(now)));
    }

    private static Page list(Connection connection, String userId, int limit, String now) throws SQLException {
        List<Undelivered> events = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT event_id, user_id, sequence, type,"
                + " created_at, delivery, attempts, next_attempt_at, claimed_until, last_error" + MATCHING
                + " ORDER BY position LIMIT ?")) {
            query.setString(1, userId);
            query.setString(2, userId);
            query.setInt(3, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String next = rows.getString(8);
                    String claimedUntil = rows.getString(9);
                    int attempts = rows.getInt(7);
                    String state = "failed".equals(rows.getString(6)) ? "given_up"
                            : next == null ? "queued"
                            : claimedUntil != null && claimedUntil.compareTo(now) > 0 ? "sending"
                            : attempts > 0 ? "retrying" : "due";
                    events.add(new Undelivered(rows.getString(1), rows.getString(2), rows.getLong(3),
                            rows.getString(4), rows.getString(5), state, attempts, next, rows.getString(10)));
                }
            }
        }
        try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*)" + MATCHING)) {
            count.setString(1, userId);
            count.setString(2, userId);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return new Page(List.copyOf(events), row.getLong(1));
            }
        }
    }
}
