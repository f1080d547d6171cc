package coinpurse.audit;

import coinpurse.audit.Problem.Kind;
import coinpurse.purchases.SessionStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every paid session (completed, or refunded after it was) has exactly one purchase row, of its
 * user and its coins; no other session has one, and no purchase row names a session not recorded.
 */
final class PurchaseCheck implements Check {
    private static final String SESSIONS = """
            SELECT s.session_id, s.user_id, s.status, s.coins + s.bonus,
                   COUNT(l.id), MIN(l.delta), MAX(l.delta), MIN(l.user_id), MAX(l.user_id)
            FROM payment_sessions s
            LEFT JOIN coin_ledger l ON l.reference = s.session_id AND l.reason = 'purchase'
            GROUP BY s.session_id, s.user_id, s.status, s.coins, s.bonus
            ORDER BY s.user_id, s.session_id""";
    private static final String ORPHANS = """
            SELECT l.id, l.user_id, l.reference
            FROM coin_ledger l LEFT JOIN payment_sessions s ON s.session_id = l.reference
            WHERE l.reason = 'purchase' AND s.session_id IS NULL
            ORDER BY l.user_id, l.id""";

    @Override
    public Checked run(Connection connection, List<Problem> problems) throws SQLException {
        long sessions = 0;
        try (PreparedStatement query = connection.prepareStatement(SESSIONS);
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                sessions++;
                check(rows, problems);
            }
        }
        try (PreparedStatement query = connection.prepareStatement(ORPHANS);
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                problems.add(new Problem(Kind.PURCHASE_WITHOUT_PAID_SESSION, rows.getString(2), "ledger row "
                        + rows.getLong(1) + " credits a purchase of session " + rows.getString(3)
                        + ", which is not recorded here"));
            }
        }
        return new Checked("sessions", sessions);
    }

    private static void check(ResultSet row, List<Problem> problems) throws SQLException {
        String sessionId = row.getString(1);
        String userId = row.getString(2);
        String status = row.getString(3);
        long coins = row.getLong(4);
        long purchaseRows = row.getLong(5);
        boolean paid = isPaid(status);
        if (paid && purchaseRows == 0) {
            problems.add(new Problem(Kind.MISSING_PURCHASE, userId, "session " + sessionId + " is " + status
                    + " but the ledger has no purchase row for it"));
        } else if (paid && purchaseRows > 1) {
            problems.add(new Problem(Kind.DUPLICATE_PURCHASE, userId, "session " + sessionId + " is credited "
                    + purchaseRows + " times in the ledger"));
        } else if (!paid && purchaseRows > 0) {
            problems.add(new Problem(Kind.PURCHASE_WITHOUT_PAID_SESSION, userId, "session " + sessionId + " is "
                    + status + " but the ledger has " + purchaseRows + " purchase row" + (purchaseRows > 1 ? "s" : "")
                    + " for it"));
        }
        if (purchaseRows > 0 && (row.getLong(6) != coins || row.getLong(7) != coins
                || !userId.equals(row.getString(8)) || !userId.equals(row.getString(9)))) {
            problems.add(new Problem(Kind.PURCHASE_MISMATCH, userId, "session " + sessionId + " is for " + coins
                    + " coins to user " + userId + " but its purchase row credits " + row.getLong(6) + " coins to user "
                    + row.getString(8)));
        }
    }

    /** A session whose payment was credited: a refund keeps its purchase row. */
    static boolean isPaid(String status) {
        return Stream.of(SessionStatus.values()).anyMatch(known -> known.isFulfilled() && known.value().equals(status));
    }
}
