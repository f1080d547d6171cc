package coinpurse.db;

import coinpurse.db.CopyToPostgres.CopyFailedException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/** {@code copy-db}'s check of the copy, inside its transaction, before it commits. */
final class CopyVerification {
    /** How many mismatches a verification failure names before "and N more". */
    private static final int NAMED = 3;

    private CopyVerification() {}

    /**
     * Before the commit: every table holds as many rows as the source's, every user's balance is
     * the sum of their ledger here, and each user's ledger sums to what it does in the source.
     */
    static void verify(Connection sqlite, Connection postgres) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (String table : CopyToPostgres.TABLES) {
            long inSource = Rows.count(sqlite, table);
            long inTarget = Rows.count(postgres, table);
            if (inSource != inTarget) {
                problems.add(table + " has " + inTarget + " rows, the source " + inSource);
            }
        }
        try (Statement query = postgres.createStatement();
                ResultSet rows = query.executeQuery("""
                        SELECT u.id, u.balance, COALESCE(SUM(l.delta), 0) AS ledger
                        FROM users u LEFT JOIN coin_ledger l ON l.user_id = u.id
                        GROUP BY u.id, u.balance
                        HAVING u.balance <> COALESCE(SUM(l.delta), 0)
                        ORDER BY u.id""")) {
            while (rows.next()) {
                problems.add("user " + rows.getString(1) + " has a balance of " + rows.getLong(2)
                        + " but a ledger summing to " + rows.getLong(3));
            }
        }
        Map<String, Long> sourceSums = ledgerSums(sqlite);
        Map<String, Long> targetSums = ledgerSums(postgres);
        Set<String> users = new LinkedHashSet<>(sourceSums.keySet());
        users.addAll(targetSums.keySet());
        for (String user : users) {
            Long inSource = sourceSums.get(user);
            Long inTarget = targetSums.get(user);
            if (!Objects.equals(inSource, inTarget)) {
                problems.add("user " + user + "'s ledger sums to " + inTarget + ", in the source to " + inSource);
            }
        }
        if (!problems.isEmpty()) {
            String named = String.join("; ", problems.subList(0, Math.min(NAMED, problems.size())));
            String more = problems.size() > NAMED ? " (and " + (problems.size() - NAMED) + " more)" : "";
            throw new CopyFailedException("the copy does not verify: " + named + more
                    + "; rolled back, nothing was written");
        }
    }

    /** Each user's ledger: the sum of its deltas. */
    private static Map<String, Long> ledgerSums(Connection connection) throws SQLException {
        Map<String, Long> sums = new TreeMap<>();
        try (Statement query = connection.createStatement();
                ResultSet rows = query.executeQuery("SELECT user_id, SUM(delta) FROM coin_ledger GROUP BY user_id")) {
            while (rows.next()) {
                sums.put(rows.getString(1), rows.getLong(2));
            }
        }
        return sums;
    }
}
