package coinpurse.audit;

import coinpurse.audit.Problem.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * For {@link LotCheck}: every purchase row made the lots its session says (a paid lot of its coins,
 * with its price and currency, and a bonus lot of its bonus; none of a kind it has none of), every
 * grant row one bonus lot of its coins, each of the row's user, and no other row made a lot. A
 * purchase row whose session is not recorded is {@link PurchaseCheck}'s to name.
 */
final class CreditLots {
    private static final String CREDITS = """
            SELECT e.id, e.user_id, e.reason, e.reference, e.delta, s.session_id, s.coins, s.bonus, s.amount_cents,
                   s.currency,
                   SUM(CASE WHEN l.kind = 'paid' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN l.kind = 'paid' THEN l.coins END),
                   MIN(CASE WHEN l.kind = 'paid' THEN l.amount_cents END),
                   MAX(CASE WHEN l.kind = 'paid' THEN l.amount_cents END),
                   MIN(CASE WHEN l.kind = 'paid' THEN l.currency END),
                   MAX(CASE WHEN l.kind = 'paid' THEN l.currency END),
                   SUM(CASE WHEN l.kind = 'bonus' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN l.kind = 'bonus' THEN l.coins END),
                   SUM(CASE WHEN l.id IS NOT NULL AND (l.user_id <> e.user_id OR COALESCE(l.session_id, '')
                            <> CASE WHEN e.reason = 'purchase' THEN e.reference ELSE '' END) THEN 1 ELSE 0 END)
            FROM coin_ledger e
            LEFT JOIN payment_sessions s ON e.reason = 'purchase' AND s.session_id = e.reference
            LEFT JOIN coin_lots l ON l.entry_id = e.id
            WHERE e.reason IN ('purchase', 'grant')
            GROUP BY e.id, e.user_id, e.reason, e.reference, e.delta, s.session_id, s.coins, s.bonus, s.amount_cents,
                     s.currency
            ORDER BY e.user_id, e.id""";
    private static final String STRAY = """
            SELECT l.id, l.user_id, l.kind, l.entry_id, e.reason
            FROM coin_lots l LEFT JOIN coin_ledger e ON e.id = l.entry_id
            WHERE e.id IS NULL OR e.reason NOT IN ('purchase', 'grant')
            ORDER BY l.user_id, l.id""";

    /** The lots one credit made, or should have made. */
    private record Made(long paidLots, long paidCoins, Long paidCents, String paidCurrency, long bonusLots,
            long bonusCoins) {

        String describe() {
            List<String> parts = new ArrayList<>();
            if (paidLots > 0) {
                parts.add((paidLots == 1 ? "a paid lot of " : paidLots + " paid lots of ") + paidCoins + " coins for "
                        + paidCents + " " + paidCurrency + " cents");
            }
            if (bonusLots > 0) {
                parts.add((bonusLots == 1 ? "a bonus lot of " : bonusLots + " bonus lots of ") + bonusCoins + " coins");
            }
            return parts.isEmpty() ? "no lot" : String.join(" and ", parts);
        }
    }

    void check(Connection connection, List<Problem> problems) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(CREDITS); ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                check(rows, problems);
            }
        }
        try (PreparedStatement query = connection.prepareStatement(STRAY); ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                problems.add(new Problem(Kind.LOT_MISMATCH, rows.getString(2), "lot " + rows.getLong(1) + " ("
                        + rows.getString(3) + " coins) was made by ledger row " + rows.getLong(4)
                        + (rows.getString(5) == null ? ", which does not exist" : ", a " + rows.getString(5)
                                + ", which credits no coins")));
            }
        }
    }

    private static void check(ResultSet row, List<Problem> problems) throws SQLException {
        String reason = row.getString(3);
        boolean purchase = "purchase".equals(reason);
        if (purchase && row.getString(6) == null) {
            return;
        }
        String currency = row.getString(15);
        Made made = new Made(row.getLong(11), row.getLong(12), nullable(row, 13), currency, row.getLong(17),
                row.getLong(18));
        Made wanted = purchase
                ? new Made(row.getLong(7) > 0 ? 1 : 0, row.getLong(7), row.getLong(7) > 0 ? row.getLong(9) : null,
                        row.getLong(7) > 0 ? row.getString(10) : null, row.getLong(8) > 0 ? 1 : 0, row.getLong(8))
                : new Made(0, 0, null, null, 1, row.getLong(5));
        boolean pricedAlike = Objects.equals(made.paidCents(), nullable(row, 14))
                && Objects.equals(currency, row.getString(16));
        String credit = reason + " " + row.getString(4) + " (ledger row " + row.getLong(1) + ")";
        String userId = row.getString(2);
        if (made.paidLots() == 0 && made.bonusLots() == 0) {
            problems.add(new Problem(Kind.MISSING_LOTS, userId, credit + " has no lots: "
                    + (purchase ? "its session makes them " : "it makes ") + wanted.describe()));
        } else if (!made.equals(wanted) || !pricedAlike) {
            problems.add(new Problem(Kind.LOT_MISMATCH, userId, credit + ": its lots are " + made.describe() + " but "
                    + (purchase ? "its session makes them " : "it makes ") + wanted.describe()));
        }
        if (row.getLong(19) > 0) {
            problems.add(new Problem(Kind.LOT_MISMATCH, userId, credit + ": " + row.getLong(19) + " of its lots name"
                    + " another user or purchase"));
        }
    }

    private static Long nullable(ResultSet row, int column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }
}
