package coinpurse.audit;

import coinpurse.audit.Problem.Kind;
import coinpurse.liability.CurrencyMoney;
import coinpurse.liability.Liabilities;
import coinpurse.liability.LiabilityReport;
import coinpurse.liability.PurchaseMoney;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The money report's identities over everything stored: each credited purchase of paid coins has one
 * paid lot of its coins, price and currency; its refunded cents are within its price, its liability
 * within what was not refunded, its unspent paid coins within its paid coins, and
 * {@code purchased = refunded + recognized + liability}, for each purchase and each currency.
 */
final class MoneyCheck implements Check {
    private static final String PURCHASES = """
            SELECT s.session_id, s.user_id, s.coins, s.amount_cents, s.currency, COUNT(l.id),
                   MIN(l.coins), MIN(l.amount_cents), MIN(l.currency), MAX(l.coins), MAX(l.amount_cents), MAX(l.currency)
            FROM payment_sessions s
            LEFT JOIN coin_lots l ON l.session_id = s.session_id AND l.kind = 'paid'
            WHERE EXISTS (SELECT 1 FROM coin_ledger p WHERE p.reference = s.session_id AND p.reason = 'purchase')
            GROUP BY s.session_id, s.user_id, s.coins, s.amount_cents, s.currency
            ORDER BY s.user_id, s.session_id""";

    @Override
    public Checked run(Connection connection, List<Problem> problems) throws SQLException {
        LiabilityReport report = new Liabilities().at(connection, Liabilities.EVERYTHING);
        Map<String, PurchaseMoney> money = new HashMap<>();
        report.purchases().forEach(purchase -> money.put(purchase.sessionId(), purchase));
        long purchases = 0;
        try (PreparedStatement query = connection.prepareStatement(PURCHASES);
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                purchases++;
                checkLot(rows, problems);
                checkFigures(money.get(rows.getString(1)), rows.getLong(3), problems);
            }
        }
        checkCurrencies(report, problems);
        return new Checked("valued_purchases", purchases);
    }

    private static void checkLot(ResultSet row, List<Problem> problems) throws SQLException {
        String sessionId = row.getString(1);
        String userId = row.getString(2);
        long coins = row.getLong(3);
        long amount = row.getLong(4);
        String currency = row.getString(5);
        long lots = row.getLong(6);
        String sold = coins + " paid coins for " + amount + " " + currency;
        if (lots == 0) {
            if (coins > 0) {
                problems.add(new Problem(Kind.MISSING_PAID_LOT, userId, "purchase " + sessionId + " of " + sold
                        + " has no paid lot: its coins are worth nothing in the money report"));
            }
            return;
        }
        if (lots > 1 || coins == 0) {
            problems.add(new Problem(Kind.PAID_LOT_MISMATCH, userId, "purchase " + sessionId + " of " + sold + " has "
                    + lots + " paid lot" + (lots > 1 ? "s" : "") + " (one is right" + (coins == 0 ? " for paid coins" : "")
                    + ")"));
            return;
        }
        if (row.getLong(7) != coins || row.getLong(8) != amount || !currency.equalsIgnoreCase(row.getString(9))) {
            problems.add(new Problem(Kind.PAID_LOT_MISMATCH, userId, "purchase " + sessionId + " sold " + sold
                    + " but its paid lot holds " + row.getLong(7) + " paid coins for " + row.getLong(8) + " "
                    + row.getString(9)));
        }
    }

    private static void checkFigures(PurchaseMoney p, long paidCoins, List<Problem> problems) {
        long notRefunded = p.purchasedCents() - p.refundedCents();
        List<String> wrong = new ArrayList<>();
        if (p.refundedCents() < 0 || p.refundedCents() > p.purchasedCents()) {
            wrong.add("refunded " + p.refundedCents() + " cents of " + p.purchasedCents());
        }
        if (p.liabilityCents() < 0 || p.liabilityCents() > notRefunded) {
            wrong.add("liability " + p.liabilityCents() + " cents is not within 0.." + notRefunded
                    + " (its price less what was refunded)");
        }
        if (p.unspentPaidCoins() < 0 || p.unspentPaidCoins() > paidCoins) {
            wrong.add(p.unspentPaidCoins() + " paid coins unspent of " + paidCoins);
        }
        if (!addsUp(p.purchasedCents(), p.refundedCents(), p.recognizedCents(), p.liabilityCents())) {
            wrong.add("purchased " + p.purchasedCents() + " is not refunded " + p.refundedCents() + " + recognized "
                    + p.recognizedCents() + " + liability " + p.liabilityCents());
        }
        if (!wrong.isEmpty()) {
            problems.add(new Problem(Kind.MONEY_MISMATCH, p.userId(), "purchase " + p.sessionId() + ": "
                    + String.join("; ", wrong)));
        }
    }

    /** Each currency's figures are its purchases' sums and add up; such a problem is no one user's. */
    private static void checkCurrencies(LiabilityReport report, List<Problem> problems) {
        for (Map.Entry<String, CurrencyMoney> currency : report.currencies().entrySet()) {
            CurrencyMoney sums = new CurrencyMoney(0, 0, 0, 0, 0);
            for (PurchaseMoney p : report.purchases()) {
                if (p.currency().equals(currency.getKey())) {
                    sums = new CurrencyMoney(sums.purchasedCents() + p.purchasedCents(),
                            sums.refundedCents() + p.refundedCents(), sums.recognizedCents() + p.recognizedCents(),
                            sums.liabilityCents() + p.liabilityCents(), sums.unspentPaidCoins() + p.unspentPaidCoins());
                }
            }
            CurrencyMoney shown = currency.getValue();
            if (!shown.equals(sums) || !addsUp(shown.purchasedCents(), shown.refundedCents(), shown.recognizedCents(),
                    shown.liabilityCents())) {
                problems.add(new Problem(Kind.MONEY_MISMATCH, "-", "currency " + currency.getKey() + ": the report shows "
                        + shown + " but its purchases sum to " + sums));
            }
        }
    }

    private static boolean addsUp(long purchased, long refunded, long recognized, long liability) {
        return purchased == refunded + recognized + liability;
    }
}
