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
 * The money report's identities over everything stored: each credited purchase's refunded cents are
 * within its price, its liability within what was not refunded, and
 * {@code purchased = refunded + recognized + liability}, for each purchase and each currency. A
 * purchase whose paid lot is not sound (missing, more than one, another price, moves beyond its
 * coins) is {@link LotCheck}'s to name, once; its money is not judged on a lot that is wrong.
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
                PurchaseMoney figures = money.get(rows.getString(1));
                if (figures != null && soundPaidLot(rows, figures)) {
                    checkFigures(figures, problems);
                }
            }
        }
        checkCurrencies(report, problems);
        return new Checked("valued_purchases", purchases);
    }

    /** One paid lot of the purchase's coins, price and currency (none for a purchase of no paid coins), its moves within it. */
    private static boolean soundPaidLot(ResultSet row, PurchaseMoney figures) throws SQLException {
        long coins = row.getLong(3);
        long lots = row.getLong(6);
        if (coins == 0) {
            return lots == 0;
        }
        return lots == 1 && row.getLong(7) == coins && row.getLong(8) == row.getLong(4)
                && row.getString(5).equalsIgnoreCase(row.getString(9))
                && figures.unspentPaidCoins() >= 0 && figures.unspentPaidCoins() <= coins;
    }

    private static void checkFigures(PurchaseMoney p, List<Problem> problems) {
        long notRefunded = p.purchasedCents() - p.refundedCents();
        List<String> wrong = new ArrayList<>();
        if (p.refundedCents() < 0 || p.refundedCents() > p.purchasedCents()) {
            wrong.add("refunded " + p.refundedCents() + " cents of " + p.purchasedCents());
        }
        if (p.liabilityCents() < 0 || p.liabilityCents() > notRefunded) {
            wrong.add("liability " + p.liabilityCents() + " cents is not within 0.." + notRefunded
                    + " (its price less what was refunded)");
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
