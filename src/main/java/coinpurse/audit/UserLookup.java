package coinpurse.audit;

import coinpurse.audit.UserReport.Entry;
import coinpurse.audit.UserReport.FraudWarning;
import coinpurse.audit.UserReport.Purchase;
import coinpurse.db.Database;
import coinpurse.db.Timestamps;
import coinpurse.wallet.Balance;
import coinpurse.wallet.Balances;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads one user's {@link UserReport} from one snapshot: for {@code user USER_ID}. */
public final class UserLookup {
    private final Timestamps timestamps;

    /** Counting lots and holds as of the clock's now. */
    public UserLookup(Clock clock) {
        this.timestamps = new Timestamps(clock);
    }

    public UserLookup() {
        this(Clock.systemUTC());
    }

    private static final String USER = "SELECT balance, created_at FROM users WHERE id = ?";
    private static final String PURCHASES = """
            SELECT session_id, package_id, status, coins + bonus, amount_cents, currency, payment_intent,
                   amount_refunded, coins_reversed, dispute_status, created_at, completed_at
            FROM payment_sessions WHERE user_id = ?
            ORDER BY created_at DESC, session_id DESC LIMIT ?""";
    private static final String WARNINGS = """
            SELECT w.payment_intent, w.warning_id, w.fraud_type, w.actionable, w.refund_id, w.created_at
            FROM stripe_fraud_warnings w
            WHERE w.payment_intent IN (SELECT payment_intent FROM payment_sessions WHERE user_id = ?)
            ORDER BY w.created_at, w.warning_id""";
    private static final String ENTRIES = """
            SELECT id, delta, balance_after, paid, bonus, reason, reference, created_at
            FROM coin_ledger WHERE user_id = ? ORDER BY id DESC LIMIT ?""";

    /** The user with at most {@code limit} purchases and ledger rows, newest first; empty if never seen. */
    public Optional<UserReport> find(Database db, String userId, int limit) {
        return db.readSnapshot(connection -> find(connection, userId, limit));
    }

    private Optional<UserReport> find(Connection connection, String userId, int limit) throws SQLException {
        long balance;
        String createdAt;
        try (PreparedStatement query = connection.prepareStatement(USER)) {
            query.setString(1, userId);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                balance = row.getLong(1);
                createdAt = row.getString(2);
            }
        }
        Map<String, List<FraudWarning>> warnings = warnings(connection, userId);
        List<Purchase> purchases = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(PURCHASES)) {
            query.setString(1, userId);
            query.setInt(2, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String paymentIntent = rows.getString(7);
                    purchases.add(new Purchase(rows.getString(1), rows.getString(2), rows.getString(3),
                            rows.getLong(4), rows.getLong(5), rows.getString(6), paymentIntent, rows.getLong(8),
                            rows.getLong(9), rows.getString(10), rows.getString(11), rows.getString(12),
                            paymentIntent == null ? List.of() : warnings.getOrDefault(paymentIntent, List.of())));
                }
            }
        }
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(ENTRIES)) {
            query.setString(1, userId);
            query.setInt(2, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    entries.add(new Entry(rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4),
                            rows.getLong(5), rows.getString(6), rows.getString(7), rows.getString(8)));
                }
            }
        }
        Balance coins = new Balances().of(connection, userId, timestamps.now());
        return Optional.of(new UserReport(userId, balance, coins.paid(), coins.bonus(), coins.held(),
                coins.available(), createdAt, List.copyOf(purchases),
                count(connection, "SELECT COUNT(*) FROM payment_sessions WHERE user_id = ?", userId),
                List.copyOf(entries), count(connection, "SELECT COUNT(*) FROM coin_ledger WHERE user_id = ?", userId)));
    }

    /** The early fraud warnings on the user's payments, by payment intent. */
    private static Map<String, List<FraudWarning>> warnings(Connection connection, String userId) throws SQLException {
        Map<String, List<FraudWarning>> warnings = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement(WARNINGS)) {
            query.setString(1, userId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    warnings.computeIfAbsent(rows.getString(1), pi -> new ArrayList<>()).add(new FraudWarning(
                            rows.getString(2), rows.getString(3), rows.getInt(4) == 1, rows.getString(5),
                            rows.getString(6)));
                }
            }
        }
        return warnings;
    }

    private static long count(Connection connection, String sql, String userId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, userId);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
