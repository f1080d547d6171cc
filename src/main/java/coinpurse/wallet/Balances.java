package coinpurse.wallet;

import coinpurse.db.Deferred;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Reads a user's {@link Balance} as of a moment, in one statement (so from one snapshot): lots
 * whose {@code expires_at} has come and holds whose deadline has come no longer count, whether or
 * not the sweep has written their rows yet.
 */
public final class Balances {
    private static final String BALANCE = """
            SELECT u.debt,
                COALESCE((SELECT SUM(l.remaining) FROM coin_lots l
                          WHERE l.user_id = u.id AND l.kind = 'paid' AND l.remaining > 0), 0),
                COALESCE((SELECT SUM(l.remaining) FROM coin_lots l
                          WHERE l.user_id = u.id AND l.kind = 'bonus' AND l.remaining > 0
                            AND (l.expires_at IS NULL OR l.expires_at > ?)), 0),
                COALESCE((SELECT SUM(h.amount) FROM holds h
                          WHERE h.user_id = u.id AND h.status = 'open' AND h.expires_at > ?), 0)
            FROM users u WHERE u.id = ?""";

    /** The user's balance at {@code now} (ISO text); a user never seen has nothing. */
    public Balance of(Connection connection, String userId, String now) throws SQLException {
        return later(connection, userId, now).get();
    }

    /** As {@link #of}, sent with the next statement ({@link Deferred}): read it when it is needed. */
    public Deferred.Later<Balance> later(Connection connection, String userId, String now) throws SQLException {
        return Deferred.query(connection, row -> {
            if (!row.next()) {
                return new Balance(userId, 0, 0, 0, 0, 0);
            }
            long debt = row.getLong(1);
            long paid = row.getLong(2);
            long bonus = row.getLong(3);
            long held = row.getLong(4);
            long balance = paid + bonus - debt;
            return new Balance(userId, balance, paid, bonus, held, balance - held);
        }, BALANCE, now, now, userId);
    }
}
