package coinpurse.wallet;

import coinpurse.db.Deferred;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The {@code coin_lots} and {@code lot_moves} tables: each credit's lots and every coin a ledger
 * row took from a lot or returned to it. Runs on the caller's transaction, under the user's lock.
 */
final class Lots {
    private static final String COLUMNS = "id, user_id, kind, session_id, entry_id, coins, remaining, amount_cents,"
            + " currency, expires_at, created_at";
    /** Bonus before paid; bonus that expires, soonest first, before bonus that never does; then oldest first. */
    private static final String SPEND_ORDER = " ORDER BY CASE WHEN kind = 'bonus' THEN 0 ELSE 1 END,"
            + " CASE WHEN expires_at IS NULL THEN 1 ELSE 0 END, expires_at, id";
    private static final String INSERT = "INSERT INTO coin_lots (user_id, kind, session_id, entry_id, coins,"
            + " remaining, amount_cents, currency, expires_at, created_at) VALUES ";
    /** One lot's values in {@link #INSERT}: its columns' order. */
    private static final String A_LOT = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** {@link #spendable}'s look-up (?, ?: the user, the time). */
    static final String SPENDABLE = "SELECT " + COLUMNS + " FROM coin_lots WHERE user_id = ? AND remaining > 0"
            + " AND (expires_at IS NULL OR expires_at > ?)" + SPEND_ORDER;
    /** {@link #due}'s look-up (?, ?: the user, the time). */
    static final String DUE = "SELECT " + COLUMNS + " FROM coin_lots WHERE user_id = ? AND remaining > 0"
            + " AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at, id";
    private static final String REVERSAL_REASONS = "'" + String.join("', '", Reasons.REVERSALS) + "'";

    /** A lot to create: what kind, of which purchase, how many coins, what they cost, until when. */
    record NewLot(LotKind kind, String sessionId, long coins, long amountCents, String currency, String expiresAt) {}

    Lot insert(Connection connection, String userId, NewLot lot, long entryId, String now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT + A_LOT + " RETURNING id")) {
            insert.setString(1, userId);
            insert.setString(2, lot.kind().value());
            insert.setString(3, lot.sessionId());
            insert.setLong(4, entryId);
            insert.setLong(5, lot.coins());
            insert.setLong(6, lot.coins());
            insert.setLong(7, lot.amountCents());
            insert.setString(8, lot.currency());
            insert.setString(9, lot.expiresAt());
            insert.setString(10, now);
            // RETURNING rather than generated keys: sqlite-jdbc prepares a query of its own for those.
            try (ResultSet keys = insert.executeQuery()) {
                keys.next();
                return new Lot(keys.getLong(1), userId, lot.kind(), lot.sessionId(), entryId, lot.coins(), lot.coins(),
                        lot.amountCents(), lot.currency(), lot.expiresAt(), now);
            }
        }
    }

    /**
     * As {@link #insert} for each of {@code lots}, in that order, in one statement sent with the next
     * ({@link Deferred}): for lots whose ids no one needs.
     */
    void insertLater(Connection connection, String userId, List<NewLot> lots, long entryId, String now)
            throws SQLException {
        if (lots.isEmpty()) {
            return;
        }
        List<Object> values = new ArrayList<>(lots.size() * 10);
        for (NewLot lot : lots) {
            values.addAll(Arrays.asList(userId, lot.kind().value(), lot.sessionId(), entryId, lot.coins(), lot.coins(),
                    lot.amountCents(), lot.currency(), lot.expiresAt(), now));
        }
        Deferred.execute(connection, INSERT + String.join(", ", Collections.nCopies(lots.size(), A_LOT)),
                values.toArray());
    }

    /** The user's lots with coins left that have not expired by {@code now}, in the order a spend takes them. */
    List<Lot> spendable(Connection connection, String userId, String now) throws SQLException {
        return query(connection, SPENDABLE, userId, now);
    }

    /** The user's lots whose coins are left but whose {@code expires_at} has come. */
    List<Lot> due(Connection connection, String userId, String now) throws SQLException {
        return query(connection, DUE, userId, now);
    }

    /** Users with such lots, at most {@code limit}: what the expiry sweep visits. */
    List<String> usersWithDueLots(Connection connection, String now, int limit) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT DISTINCT user_id FROM coin_lots
                WHERE expires_at IS NOT NULL AND remaining > 0 AND expires_at <= ? LIMIT ?""")) {
            query.setString(1, now);
            query.setInt(2, limit);
            try (ResultSet rows = query.executeQuery()) {
                List<String> users = new ArrayList<>();
                while (rows.next()) {
                    users.add(rows.getString(1));
                }
                return users;
            }
        }
    }

    /** A purchase's own lots: its paid coins, then its bonus coins (either may be absent). */
    List<Lot> ofPurchase(Connection connection, String sessionId) throws SQLException {
        return query(connection, "SELECT " + COLUMNS + " FROM coin_lots WHERE session_id = ? ORDER BY kind DESC, id",
                sessionId);
    }

    /**
     * The lots that a purchase's refunds and disputes took coins from and have not given back, each
     * with the coins still out; the lot taken from most recently first.
     */
    List<Taken> stillTakenBy(Connection connection, String sessionId) throws SQLException {
        List<long[]> out = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT m.lot_id, SUM(m.coins), MAX(m.id)
                FROM lot_moves m JOIN coin_ledger e ON e.id = m.entry_id
                WHERE e.reference = ? AND e.reason IN (""" + REVERSAL_REASONS + """
                )
                GROUP BY m.lot_id HAVING SUM(m.coins) > 0
                ORDER BY MAX(m.id) DESC""")) {
            query.setString(1, sessionId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    out.add(new long[] {rows.getLong(1), rows.getLong(2)});
                }
            }
        }
        List<Taken> taken = new ArrayList<>();
        for (long[] lot : out) {
            taken.add(new Taken(byId(connection, lot[0]), lot[1]));
        }
        return taken;
    }

    /** A lot and how many of its coins a purchase's reversals still hold. */
    record Taken(Lot lot, long coins) {}

    /** Takes {@code coins} from the lot (gives them back when negative) for ledger row {@code entryId}. */
    Lot move(Connection connection, Lot lot, long entryId, long coins, String now) throws SQLException {
        Deferred.execute(connection, "INSERT INTO lot_moves (lot_id, entry_id, coins, created_at) VALUES (?, ?, ?, ?)",
                lot.id(), entryId, coins, now);
        Deferred.execute(connection, "UPDATE coin_lots SET remaining = remaining - ? WHERE id = ?", coins, lot.id());
        return lot.withRemaining(lot.remaining() - coins);
    }

    /** The reference of the ledger row that created the lot: a purchase's session, a grant's idempotency key. */
    String creditReference(Connection connection, Lot lot) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT reference FROM coin_ledger WHERE id = ?")) {
            query.setLong(1, lot.entryId());
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    private Lot byId(Connection connection, long id) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM coin_lots WHERE id = ?")) {
            query.setLong(1, id);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return lotOf(row);
            }
        }
    }

    private static List<Lot> query(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = query.executeQuery()) {
                List<Lot> lots = new ArrayList<>();
                while (rows.next()) {
                    lots.add(lotOf(rows));
                }
                return lots;
            }
        }
    }

    private static Lot lotOf(ResultSet row) throws SQLException {
        return new Lot(row.getLong(1), row.getString(2), LotKind.of(row.getString(3)), row.getString(4),
                row.getLong(5), row.getLong(6), row.getLong(7), row.getLong(8), row.getString(9), row.getString(10),
                row.getString(11));
    }
}
