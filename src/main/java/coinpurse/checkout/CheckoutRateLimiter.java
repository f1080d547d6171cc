package coinpurse.checkout;

import coinpurse.db.Database;
import coinpurse.db.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * At most N checkout sessions per user in any 60 s window, so one account cannot flood Stripe.
 * The attempts are kept in the database ({@code checkout_attempts}), so the limit holds across
 * instances and restarts; a user's attempts are counted and added under a lock on that user.
 */
public final class CheckoutRateLimiter {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final int perMinute;
    private final Clock clock;
    private final Database db;

    public CheckoutRateLimiter(int perMinute, Clock clock, Database db) {
        this.perMinute = perMinute;
        this.clock = clock;
        this.db = db;
    }

    /** Empty when the user may go ahead (and counts it); else how long to wait. */
    public Optional<Duration> tryAcquire(String userId) {
        Instant now = clock.instant();
        return db.inTransaction(connection -> {
            db.dialect().lock(connection, "checkout:" + userId);
            forgetBefore(connection, userId, now.minus(WINDOW));
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT COUNT(*), MIN(attempted_at) FROM checkout_attempts WHERE user_id = ?")) {
                query.setString(1, userId);
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    if (row.getLong(1) >= perMinute) {
                        Instant oldest = Instant.parse(row.getString(2));
                        return Optional.of(Duration.between(now, oldest.plus(WINDOW)));
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO checkout_attempts (user_id, attempted_at) VALUES (?, ?)")) {
                insert.setString(1, userId);
                insert.setString(2, Timestamps.format(now));
                insert.executeUpdate();
            }
            return Optional.<Duration>empty();
        });
    }

    /**
     * Deletes every user's attempts that have left the window, those of users who never came back
     * included (a user's own attempts are also forgotten at their next try); answers how many.
     */
    public int forgetExpired() {
        String cutoff = Timestamps.format(clock.instant().minus(WINDOW));
        return db.inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM checkout_attempts WHERE attempted_at <= ?")) {
                delete.setString(1, cutoff);
                return delete.executeUpdate();
            }
        });
    }

    private static void forgetBefore(Connection connection, String userId, Instant cutoff) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM checkout_attempts WHERE user_id = ? AND attempted_at <= ?")) {
            delete.setString(1, userId);
            delete.setString(2, Timestamps.format(cutoff));
            delete.executeUpdate();
        }
    }
}
