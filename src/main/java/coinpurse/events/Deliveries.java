package coinpurse.events;

import coinpurse.db.Database;
import coinpurse.db.Dialect;
import coinpurse.db.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The delivery state of pushed events, kept on their {@code app_events} rows. Each user's pending
 * events form a queue whose head alone has a {@code next_attempt_at}: what is due is one range of
 * the {@code app_events_due} index. Sending an event is claimed by a lease: the claim moves its
 * {@code next_attempt_at} to the lease's end and stamps the same instant in {@code claimed_until},
 * which the attempt's result must still find there (so a sender whose lease passed, and whose event
 * another took over, records nothing). An instance that died mid-send is taken over once the lease
 * has passed: at least once, never lost.
 */
final class Deliveries {
    private static final String DUE = "delivery = 'pending' AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?";
    private static final String CLAIMED = "event_id, type, created_at, user_id, sequence, data, position, attempts,"
            + " last_delay_ms";
    private static final int MAX_ERROR_LENGTH = 255;
    /** Sets (%s) on the user's next pending event, once the head has ended: its oldest one still pending. */
    private static final String NEXT = """
            UPDATE app_events SET %s
            WHERE user_id = ? AND delivery = 'pending' AND next_attempt_at IS NULL AND sequence =
                (SELECT MIN(sequence) FROM app_events WHERE user_id = ? AND delivery = 'pending')""";

    private final Database db;
    private final Dialect dialect;

    Deliveries(Database db) {
        this.db = db;
        this.dialect = db.dialect();
    }

    /** An event this sender holds the lease of, until {@code claimedUntil}. */
    record Claimed(AppEvent event, long position, int attempts, Optional<Duration> lastDelay, String claimedUntil) {
        Instant createdAt() {
            return Instant.parse(event.createdAt());
        }
    }

    /** Whether any event is due at {@code now}: one probe of the index, and no write, when none is. */
    boolean anyDue(Instant now) {
        return db.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT 1 FROM app_events WHERE " + DUE + " LIMIT 1")) {
                query.setString(1, Timestamps.format(now));
                try (ResultSet row = query.executeQuery()) {
                    return row.next();
                }
            }
        });
    }

    /**
     * Claims up to {@code limit} events due at {@code now}, the longest waiting first, until {@code until}.
     * One conditional UPDATE: two senders at once never claim the same event (on PostgreSQL each
     * skips the rows the other is claiming).
     */
    List<Claimed> claim(Instant now, Instant until, int limit) {
        String lease = Timestamps.format(until);
        return db.inTransaction(connection -> {
            try (PreparedStatement claim = connection.prepareStatement("""
                    UPDATE app_events SET claimed_until = ?, next_attempt_at = ?
                    WHERE position IN (SELECT position FROM app_events WHERE %s ORDER BY next_attempt_at LIMIT ?%s)
                      AND %s
                    RETURNING %s"""
                    .formatted(DUE, dialect == Dialect.POSTGRES ? " FOR UPDATE SKIP LOCKED" : "", DUE, CLAIMED))) {
                claim.setString(1, lease);
                claim.setString(2, lease);
                claim.setString(3, Timestamps.format(now));
                claim.setInt(4, limit);
                claim.setString(5, Timestamps.format(now));
                return claimedRows(claim, lease);
            }
        });
    }

    private static List<Claimed> claimedRows(PreparedStatement returning, String lease) throws SQLException {
        List<Claimed> claimed = new ArrayList<>();
        try (ResultSet rows = returning.executeQuery()) {
            while (rows.next()) {
                // getObject: sqlite-jdbc's wasNull() is not to be trusted on RETURNING's rows.
                Object lastDelay = rows.getObject(9);
                claimed.add(new Claimed(new AppEvent(rows.getString(1), rows.getString(2), rows.getString(3),
                        rows.getString(4), rows.getLong(5), rows.getString(6)), rows.getLong(7), rows.getInt(8),
                        lastDelay == null ? Optional.empty()
                                : Optional.of(Duration.ofMillis(((Number) lastDelay).longValue())), lease));
            }
        }
        return claimed;
    }

    /** What recording a 2xx came to: whether the lease was still ours, and the user's next event if claimed with it. */
    record Delivered(boolean recorded, Optional<Claimed> next) {}

    /**
     * Answered 2xx: never sent again. The user's next event is due now or, with {@code claimNextUntil},
     * claimed in the same transaction for this sender until then (it sends it right away).
     */
    Delivered delivered(Claimed claimed, Instant now, Optional<Instant> claimNextUntil) {
        return db.inTransaction(connection -> {
            lockUsersQueue(connection, claimed.event().userId());
            if (!finish(connection, claimed, "delivery = 'delivered', delivered_at = ?", Timestamps.format(now))) {
                return new Delivered(false, Optional.empty());
            }
            if (claimNextUntil.isEmpty()) {
                armNext(connection, claimed.event().userId(), now);
                return new Delivered(true, Optional.empty());
            }
            String lease = Timestamps.format(claimNextUntil.get());
            try (PreparedStatement claimNext = connection.prepareStatement(NEXT.formatted(
                    "next_attempt_at = ?, claimed_until = ?") + " RETURNING " + CLAIMED)) {
                claimNext.setString(1, lease);
                claimNext.setString(2, lease);
                claimNext.setString(3, claimed.event().userId());
                claimNext.setString(4, claimed.event().userId());
                return new Delivered(true, claimedRows(claimNext, lease).stream().findFirst());
            }
        });
    }

    /** Not answered 2xx, tried again at {@code next}. False when the lease was lost. */
    boolean retryAt(Claimed claimed, Instant next, Duration delay, String error) {
        return db.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE app_events SET attempts = attempts + 1, last_error = ?, last_delay_ms = ?,
                        next_attempt_at = ?, claimed_until = NULL
                    WHERE position = ? AND delivery = 'pending' AND claimed_until = ?""")) {
                update.setString(1, truncated(error));
                update.setLong(2, delay.toMillis());
                update.setString(3, Timestamps.format(next));
                update.setLong(4, claimed.position());
                update.setString(5, claimed.claimedUntil());
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Not answered 2xx, and its 3 days are over: failed for good; the user's next event is due now. */
    boolean gaveUp(Claimed claimed, Instant now, String error) {
        return db.inTransaction(connection -> {
            lockUsersQueue(connection, claimed.event().userId());
            if (!finish(connection, claimed, "delivery = 'failed', last_error = ?", truncated(error))) {
                return false;
            }
            armNext(connection, claimed.event().userId(), now);
            return true;
        });
    }

    /** When the oldest event still waiting to be delivered was written; empty when none waits. */
    Optional<Instant> oldestPending() {
        return db.read(connection -> {
            // Each user's oldest pending event is the head of its queue, the one with a time.
            try (PreparedStatement query = connection.prepareStatement("SELECT MIN(created_at) FROM app_events"
                    + " WHERE delivery = 'pending' AND next_attempt_at IS NOT NULL")) {
                try (ResultSet row = query.executeQuery()) {
                    String oldest = row.next() ? row.getString(1) : null;
                    return Optional.ofNullable(oldest).map(Instant::parse);
                }
            }
        });
    }

    /**
     * The user's lock, which every transaction that writes an event of the user holds until it ends
     * ({@link Outbox}): so on PostgreSQL an event being written for the user either sees the head's
     * end, and is due at once, or is committed before the head's end looks for the next one.
     */
    private void lockUsersQueue(Connection connection, String userId) throws SQLException {
        dialect.lock(connection, Dialect.USER_LOCK_PREFIX + userId);
    }

    private static boolean finish(Connection connection, Claimed claimed, String set, String value)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE app_events SET " + set
                + ", attempts = attempts + 1, next_attempt_at = NULL, claimed_until = NULL"
                + " WHERE position = ? AND delivery = 'pending' AND claimed_until = ?")) {
            update.setString(1, value);
            update.setLong(2, claimed.position());
            update.setString(3, claimed.claimedUntil());
            return update.executeUpdate() == 1;
        }
    }

    /** Gives the user's next pending event, now the head of the queue, its time: now. */
    private static void armNext(Connection connection, String userId, Instant now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(NEXT.formatted("next_attempt_at = ?"))) {
            update.setString(1, Timestamps.format(now));
            update.setString(2, userId);
            update.setString(3, userId);
            update.executeUpdate();
        }
    }

    private static String truncated(String error) {
        return error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH - 1) + "…";
    }
}
