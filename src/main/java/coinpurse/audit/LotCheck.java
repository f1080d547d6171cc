package coinpurse.audit;

import coinpurse.audit.Problem.Kind;
import coinpurse.wallet.LotsFromHistory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Every lot against the ledger (docs/decisions/coins.md):
 * <ul>
 * <li>each user's balance is what their lots hold less their debt; the debt is never below zero,
 *     and above zero only while every lot is empty;
 * <li>each lot's {@code remaining} is its coins less its moves, between 0 and its coins, and only
 *     its user's rows move it;
 * <li>each ledger row's {@code paid} and {@code bonus} are the coins of each kind it credited (its
 *     own lots) less those its moves took;
 * <li>each purchase has the lots its session makes (its paid coins with their price, its bonus),
 *     each grant its bonus lot, and no other row made one ({@link CreditLots}).
 * </ul>
 * A database whose lots are still to be built from its ledger ({@link LotsFromHistory}) is one
 * problem, and these checks wait for it.
 */
final class LotCheck implements Check {
    private static final String USERS = """
            SELECT u.id, u.balance, u.debt, COALESCE(l.remaining, 0)
            FROM users u
            LEFT JOIN (SELECT user_id, SUM(remaining) AS remaining FROM coin_lots GROUP BY user_id) l
                ON l.user_id = u.id
            ORDER BY u.id""";
    private static final String LOTS = """
            SELECT l.id, l.user_id, l.kind, e.reason, e.reference, l.coins, l.remaining, COALESCE(m.moved, 0)
            FROM coin_lots l
            LEFT JOIN coin_ledger e ON e.id = l.entry_id
            LEFT JOIN (SELECT lot_id, SUM(coins) AS moved FROM lot_moves GROUP BY lot_id) m ON m.lot_id = l.id
            ORDER BY l.user_id, l.id""";
    private static final String MOVED_BY_OTHERS = """
            SELECT l.id, l.user_id, l.kind, c.reason, c.reference, e.id, e.user_id
            FROM lot_moves m
            JOIN coin_lots l ON l.id = m.lot_id
            JOIN coin_ledger e ON e.id = m.entry_id
            LEFT JOIN coin_ledger c ON c.id = l.entry_id
            WHERE e.user_id <> l.user_id
            ORDER BY l.user_id, l.id, e.id""";
    private static final String PARTS = """
            SELECT e.id, e.user_id, e.reason, e.delta, e.paid, e.bonus,
                   COALESCE(c.paid, 0) - COALESCE(m.paid, 0), COALESCE(c.bonus, 0) - COALESCE(m.bonus, 0)
            FROM coin_ledger e
            LEFT JOIN (SELECT entry_id, SUM(CASE WHEN kind = 'paid' THEN coins ELSE 0 END) AS paid,
                              SUM(CASE WHEN kind = 'bonus' THEN coins ELSE 0 END) AS bonus
                       FROM coin_lots GROUP BY entry_id) c ON c.entry_id = e.id
            LEFT JOIN (SELECT mv.entry_id, SUM(CASE WHEN l.kind = 'paid' THEN mv.coins ELSE 0 END) AS paid,
                              SUM(CASE WHEN l.kind = 'bonus' THEN mv.coins ELSE 0 END) AS bonus
                       FROM lot_moves mv JOIN coin_lots l ON l.id = mv.lot_id GROUP BY mv.entry_id) m
                ON m.entry_id = e.id
            WHERE e.paid <> COALESCE(c.paid, 0) - COALESCE(m.paid, 0)
               OR e.bonus <> COALESCE(c.bonus, 0) - COALESCE(m.bonus, 0)
            ORDER BY e.user_id, e.id""";

    @Override
    public Checked run(Connection connection, List<Problem> problems) throws SQLException {
        if (LotsFromHistory.pending(connection)) {
            problems.add(new Problem(Kind.LOTS_PENDING, null, "the lots of this database's ledger from before lots"
                    + " are not built yet: the server builds them at its next start (and so do reconcile and copy-db);"
                    + " if a start said it could not, the other problems here say why"));
            return new Checked("lots", 0);
        }
        checkUsers(connection, problems);
        long lots = checkLots(connection, problems);
        checkMovers(connection, problems);
        checkParts(connection, problems);
        new CreditLots().check(connection, problems);
        return new Checked("lots", lots);
    }

    private static void checkUsers(Connection connection, List<Problem> problems) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(USERS); ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                String userId = rows.getString(1);
                long balance = rows.getLong(2);
                long debt = rows.getLong(3);
                long remaining = rows.getLong(4);
                if (debt < 0) {
                    problems.add(new Problem(Kind.NEGATIVE_DEBT, userId, "a debt of " + debt
                            + ": a debt is never below zero"));
                }
                if (balance != remaining - debt) {
                    problems.add(new Problem(Kind.LOTS_MISMATCH, userId, "balance " + balance + " but its lots hold "
                            + remaining + " coins and it owes " + debt + ": " + (remaining - debt)));
                }
                if (debt > 0 && remaining > 0) {
                    problems.add(new Problem(Kind.DEBT_WITH_COINS, userId, "a debt of " + debt + " while its lots"
                            + " still hold " + remaining + " coins: debt is only what no coin covers, and every"
                            + " credit repays it first"));
                }
            }
        }
    }

    private static long checkLots(Connection connection, List<Problem> problems) throws SQLException {
        long lots = 0;
        try (PreparedStatement query = connection.prepareStatement(LOTS); ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                lots++;
                String lot = describeLot(rows.getLong(1), rows.getString(3), rows.getString(4), rows.getString(5));
                long coins = rows.getLong(6);
                long remaining = rows.getLong(7);
                long moved = rows.getLong(8);
                long left = coins - moved;
                if (remaining != left) {
                    problems.add(new Problem(Kind.LOT_MISMATCH, rows.getString(2), lot + ": remaining " + remaining
                            + " but its " + coins + " coins less its moves' " + moved + " leave " + left));
                }
                if (left < 0 || left > coins) {
                    problems.add(new Problem(Kind.LOT_MISMATCH, rows.getString(2), lot + ": its moves leave " + left
                            + " of its " + coins + " coins, outside 0 to " + coins));
                }
            }
        }
        return lots;
    }

    private static void checkMovers(Connection connection, List<Problem> problems) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(MOVED_BY_OTHERS);
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                problems.add(new Problem(Kind.LOT_MISMATCH, rows.getString(2), describeLot(rows.getLong(1),
                        rows.getString(3), rows.getString(4), rows.getString(5)) + " is moved by ledger row "
                        + rows.getLong(6) + " of user " + rows.getString(7)));
            }
        }
    }

    /** A user's rows whose parts differ from their lots: one problem naming the first. */
    private static void checkParts(Connection connection, List<Problem> problems) throws SQLException {
        String userId = null;
        String first = null;
        int more = 0;
        try (PreparedStatement query = connection.prepareStatement(PARTS); ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                if (!rows.getString(2).equals(userId)) {
                    reportParts(userId, first, more, problems);
                    userId = rows.getString(2);
                    first = "ledger row " + rows.getLong(1) + " (" + rows.getString(3) + " of " + rows.getLong(4)
                            + "): paid " + rows.getLong(5) + " and bonus " + rows.getLong(6) + " but its lots make it"
                            + " paid " + rows.getLong(7) + " and bonus " + rows.getLong(8);
                    more = 0;
                } else {
                    more++;
                }
            }
        }
        reportParts(userId, first, more, problems);
    }

    private static void reportParts(String userId, String first, int more, List<Problem> problems) {
        if (userId != null) {
            problems.add(new Problem(Kind.ENTRY_PARTS_MISMATCH, userId, first
                    + (more == 0 ? "" : " (" + more + " more such " + (more == 1 ? "row" : "rows") + " after it)")));
        }
    }

    /** "lot 12 (paid coins of purchase cs_…)". */
    static String describeLot(long id, String kind, String creditReason, String creditReference) {
        return "lot " + id + " (" + kind + " coins of " + (creditReason == null ? "no ledger row"
                : creditReason + (creditReference == null ? "" : " " + creditReference)) + ")";
    }
}
