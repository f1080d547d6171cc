package coinpurse.audit;

import coinpurse.audit.Problem.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Every user's balance equals the sum of their ledger rows. */
final class BalanceCheck implements Check {
    private static final String BALANCES = """
            SELECT u.id, u.balance, COALESCE(l.total, 0), COALESCE(l.entries, 0)
            FROM users u
            LEFT JOIN (SELECT user_id, SUM(delta) AS total, COUNT(*) AS entries FROM coin_ledger GROUP BY user_id) l
                ON l.user_id = u.id
            ORDER BY u.id""";

    @Override
    public Checked run(Connection connection, List<Problem> problems) throws SQLException {
        long users = 0;
        try (PreparedStatement query = connection.prepareStatement(BALANCES);
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                users++;
                long balance = rows.getLong(2);
                long sum = rows.getLong(3);
                if (balance != sum) {
                    long entries = rows.getLong(4);
                    problems.add(new Problem(Kind.BALANCE_MISMATCH, rows.getString(1), "balance " + balance
                            + " but its ledger sums to " + sum + " (" + entries + (entries == 1 ? " row)" : " rows)")));
                }
            }
        }
        return new Checked("balances", users);
    }
}
