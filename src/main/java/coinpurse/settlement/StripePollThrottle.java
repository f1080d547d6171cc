package coinpurse.settlement;

import coinpurse.db.Database;
import coinpurse.db.Timestamps;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Lets the status route ask Stripe about one session at most once per interval, across every
 * instance on the database: the last time is kept on the session's row
 * ({@code payment_sessions.stripe_polled_at}), and one conditional update takes the turn.
 */
public final class StripePollThrottle {
    private final Duration interval;
    private final Clock clock;
    private final Database db;

    public StripePollThrottle(Duration interval, Clock clock, Database db) {
        this.interval = interval;
        this.clock = clock;
        this.db = db;
    }

    /** True (and remembers now) when this session was not polled within the interval. */
    public boolean tryAcquire(String sessionId) {
        Instant now = clock.instant();
        return db.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE payment_sessions SET stripe_polled_at = ?
                    WHERE session_id = ? AND (stripe_polled_at IS NULL OR stripe_polled_at <= ?)""")) {
                update.setString(1, Timestamps.format(now));
                update.setString(2, sessionId);
                update.setString(3, Timestamps.format(now.minus(interval)));
                return update.executeUpdate() == 1;
            }
        });
    }
}
