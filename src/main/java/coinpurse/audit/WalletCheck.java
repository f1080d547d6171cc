package coinpurse.audit;

import coinpurse.audit.Problem.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every spend and grant in the ledger has its idempotency record ({@code wallet_operations}),
 * which describes it exactly (key, kind, user, amount, the balance it answered), and every
 * record points at such a row: without it, the same key sent again would move coins twice.
 */
final class WalletCheck implements Check {
    private static final String OPERATIONS = """
            SELECT l.id, l.user_id, l.reason, l.delta, l.reference, l.balance_after,
                   w.idempotency_key, w.kind, w.user_id, w.amount, w.balance_after
            FROM coin_ledger l LEFT JOIN wallet_operations w ON w.ledger_entry_id = l.id
            WHERE l.reason IN ('spend', 'grant')
            ORDER BY l.user_id, l.id""";
    private static final String STRAY_RECORDS = """
            SELECT w.idempotency_key, w.user_id, w.kind, w.ledger_entry_id, l.reason
            FROM wallet_operations w LEFT JOIN coin_ledger l ON l.id = w.ledger_entry_id
            WHERE l.id IS NULL OR l.reason NOT IN ('spend', 'grant')
            ORDER BY w.user_id, w.idempotency_key""";

    @Override
    public Checked run(Connection connection, List<Problem> problems) throws SQLException {
        long operations = 0;
        try (PreparedStatement query = connection.prepareStatement(OPERATIONS);
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                operations++;
                check(rows, problems);
            }
        }
        try (PreparedStatement query = connection.prepareStatement(STRAY_RECORDS);
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                problems.add(new Problem(Kind.IDEMPOTENCY_RECORD_MISMATCH, rows.getString(2), "the " + rows.getString(3)
                        + " recorded under key " + rows.getString(1) + " points at ledger row " + rows.getLong(4)
                        + (rows.getString(5) == null ? ", which does not exist" : ", a " + rows.getString(5) + " row")));
            }
        }
        return new Checked("spends_and_grants", operations);
    }

    private static void check(ResultSet row, List<Problem> problems) throws SQLException {
        long id = row.getLong(1);
        String userId = row.getString(2);
        String reason = row.getString(3);
        long delta = row.getLong(4);
        String key = row.getString(5);
        String what = "ledger row " + id + " (" + reason + " of " + Math.abs(delta) + ", key " + key + ")";
        if (row.getString(7) == null) {
            problems.add(new Problem(Kind.MISSING_IDEMPOTENCY_RECORD, userId, what
                    + " has no idempotency record: the same key sent again would " + reason + " again"));
            return;
        }
        List<String> differs = new ArrayList<>();
        if (!row.getString(7).equals(key)) {
            differs.add("key " + row.getString(7));
        }
        if (!row.getString(8).equals(reason)) {
            differs.add("kind " + row.getString(8));
        }
        if (!row.getString(9).equals(userId)) {
            differs.add("user " + row.getString(9));
        }
        long signed = "spend".equals(reason) ? -row.getLong(10) : row.getLong(10);
        if (signed != delta) {
            differs.add("amount " + row.getLong(10));
        }
        if (row.getLong(11) != row.getLong(6)) {
            differs.add("balance " + row.getLong(11) + " where the row has " + row.getLong(6));
        }
        if (!differs.isEmpty()) {
            problems.add(new Problem(Kind.IDEMPOTENCY_RECORD_MISMATCH, userId, what + ": its idempotency record says "
                    + String.join(", ", differs)));
        }
    }
}
