package coinpurse.audit;

import coinpurse.audit.Problem.Kind;
import coinpurse.wallet.Reasons;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * Each user's ledger rows, in order, chain: the first row's {@code balance_after} is its delta,
 * each next one the previous {@code balance_after} plus its delta. Also names rows with a reason
 * nothing in coinpurse writes. A user's broken links are one problem naming the first.
 */
final class LedgerChainCheck implements Check {
    static final Set<String> REASONS = Set.of(Reasons.PURCHASE, Reasons.REFUND, Reasons.REFUND_REVERSED,
            Reasons.DISPUTE, Reasons.DISPUTE_WON, Reasons.SPEND, Reasons.GRANT, Reasons.CAPTURE, Reasons.EXPIRED);
    private static final String LEDGER = """
            SELECT id, user_id, delta, balance_after, reason FROM coin_ledger ORDER BY user_id, id""";
    private static final int FETCH_SIZE = 1000;

    @Override
    public Checked run(Connection connection, List<Problem> problems) throws SQLException {
        long rowsRead = 0;
        Chain chain = null;
        try (PreparedStatement query = connection.prepareStatement(LEDGER)) {
            query.setFetchSize(FETCH_SIZE); // PostgreSQL streams the ledger instead of loading it whole
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    rowsRead++;
                    long id = rows.getLong(1);
                    String userId = rows.getString(2);
                    long delta = rows.getLong(3);
                    long balanceAfter = rows.getLong(4);
                    String reason = rows.getString(5);
                    if (chain == null || !chain.userId.equals(userId)) {
                        report(chain, problems);
                        chain = new Chain(userId);
                    }
                    chain.follow(id, delta, balanceAfter, reason);
                    if (!REASONS.contains(reason)) {
                        problems.add(new Problem(Kind.UNKNOWN_REASON, userId, "ledger row " + id + " has the reason '"
                                + reason + "', which nothing in coinpurse writes"));
                    }
                }
            }
        }
        report(chain, problems);
        return new Checked("ledger_rows", rowsRead);
    }

    private static void report(Chain chain, List<Problem> problems) {
        if (chain != null && chain.broken > 0) {
            problems.add(new Problem(Kind.BROKEN_CHAIN, chain.userId, chain.firstBreak
                    + (chain.broken > 1 ? " (" + (chain.broken - 1) + " more broken link" + (chain.broken > 2 ? "s" : "") + " after it)" : "")));
        }
    }

    /** One user's ledger as it is read, row by row. */
    private static final class Chain {
        final String userId;
        long previous;
        int broken;
        String firstBreak;

        Chain(String userId) {
            this.userId = userId;
        }

        void follow(long id, long delta, long balanceAfter, String reason) {
            if (previous + delta != balanceAfter && broken++ == 0) {
                firstBreak = "ledger row " + id + " (" + reason + "): " + previous + (delta < 0 ? " - " : " + ")
                        + Math.abs(delta) + " = " + (previous + delta) + " but its balance_after is " + balanceAfter;
            }
            previous = balanceAfter;
        }
    }
}
