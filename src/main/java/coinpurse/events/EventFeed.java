package coinpurse.events;

import coinpurse.db.Database;
import coinpurse.db.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads events in the order they committed, for the web app's catch-up feed and for the streams:
 * by {@code (txid, position)} (on SQLite, where txid is 0, by {@code position}), and only those no
 * running transaction can still come before
 * ({@link Dialect#eventsSettled}), so that a reader who goes on after the last event it read never
 * misses one, with two instances writing too.
 */
public final class EventFeed {
    private static final String COLUMNS = "event_id, type, created_at, user_id, sequence, data, txid, position";

    private final Database db;
    private final Dialect dialect;

    public EventFeed(Database db) {
        this.db = db;
        this.dialect = db.dialect();
    }

    /** Where a reader stands in the feed: after the event at {@code (txid, position)}. */
    public record Cursor(long txid, long position) {
        public static final Cursor START = new Cursor(-1, -1);
    }

    /** An event and where it stands in the feed. */
    public record Placed(AppEvent event, Cursor cursor) {}

    /** The cursor just after event {@code eventId}; empty when there is no such event. */
    public Optional<Cursor> cursorAfter(String eventId) {
        return db.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT txid, position FROM app_events WHERE event_id = ?")) {
                query.setString(1, eventId);
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? Optional.of(new Cursor(row.getLong(1), row.getLong(2))) : Optional.empty();
                }
            }
        });
    }

    /** At most {@code limit} settled events after {@code cursor}, in order. */
    public List<Placed> after(Cursor cursor, int limit) {
        return db.read(connection -> after(connection, cursor, limit));
    }

    private List<Placed> after(Connection connection, Cursor cursor, int limit) throws SQLException {
        if (!dialect.eventsByTransaction()) {
            try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM app_events"
                    + " WHERE position > ? ORDER BY position LIMIT ?")) {
                query.setLong(1, cursor.position());
                query.setInt(2, limit);
                return placed(query);
            }
        }
        try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM app_events"
                + " WHERE (txid > ? OR (txid = ? AND position > ?))" + dialect.eventsSettled()
                + " ORDER BY txid, position LIMIT ?")) {
            query.setLong(1, cursor.txid());
            query.setLong(2, cursor.txid());
            query.setLong(3, cursor.position());
            query.setInt(4, limit);
            return placed(query);
        }
    }

    /** The cursor after the last settled event: where a reader that wants only what comes next starts. */
    public Cursor end() {
        return db.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT txid, position FROM app_events"
                    + " WHERE 1 = 1" + dialect.eventsSettled()
                    + (dialect.eventsByTransaction() ? " ORDER BY txid DESC, position DESC" : " ORDER BY position DESC")
                    + " LIMIT 1")) {
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? new Cursor(row.getLong(1), row.getLong(2)) : Cursor.START;
                }
            }
        });
    }

    /** The user's committed events with a sequence above {@code sequence}, in sequence order, at most {@code limit}. */
    public List<AppEvent> ofUserAfter(String userId, long sequence, int limit) {
        return db.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM app_events"
                    + " WHERE user_id = ? AND sequence > ? ORDER BY sequence LIMIT ?")) {
                query.setString(1, userId);
                query.setLong(2, sequence);
                query.setInt(3, limit);
                return placed(query).stream().map(Placed::event).toList();
            }
        });
    }

    /** The user's last committed sequence (0 before their first event). */
    public long lastSequence(String userId) {
        return db.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT COALESCE(MAX(sequence), 0) FROM app_events WHERE user_id = ?")) {
                query.setString(1, userId);
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
    }

    private static List<Placed> placed(PreparedStatement query) throws SQLException {
        try (ResultSet rows = query.executeQuery()) {
            List<Placed> events = new ArrayList<>();
            while (rows.next()) {
                events.add(new Placed(new AppEvent(rows.getString(1), rows.getString(2), rows.getString(3),
                        rows.getString(4), rows.getLong(5), rows.getString(6)),
                        new Cursor(rows.getLong(7), rows.getLong(8))));
            }
            return events;
        }
    }
}
