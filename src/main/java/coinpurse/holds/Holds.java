package coinpurse.holds;

import coinpurse.db.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code holds} table. Writes run on the caller's transaction. */
final class Holds {
    private static final String COLUMNS = "hold_id, idempotency_key, user_id, amount, reason, expires_in_seconds,"
            + " expires_at, status, created_at, created_balance, created_available, captured, capture_entry_id,"
            + " resolved_balance, resolved_available";

    private final Dialect dialect;

    Holds(Dialect dialect) {
        this.dialect = dialect;
    }

    void insert(Connection connection, Hold hold) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO holds (hold_id, idempotency_key, user_id, amount, reason, expires_in_seconds, expires_at,
                    status, created_at, created_balance, created_available)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setString(1, hold.holdId());
            insert.setString(2, hold.idempotencyKey());
            insert.setString(3, hold.userId());
            insert.setLong(4, hold.amount());
            insert.setString(5, hold.reason());
            insert.setLong(6, hold.expiresInSeconds());
            insert.setString(7, hold.expiresAt());
            insert.setString(8, hold.status().value());
            insert.setString(9, hold.createdAt());
            insert.setLong(10, hold.createdBalance());
            insert.setLong(11, hold.createdAvailable());
            insert.executeUpdate();
        }
    }

    Optional<Hold> find(Connection connection, String holdId) throws SQLException {
        return first(query(connection, "SELECT " + COLUMNS + " FROM holds WHERE hold_id = ?", holdId));
    }

    /** The hold, its row locked until the transaction ends: for the one transaction that resolves it. */
    Optional<Hold> findForUpdate(Connection connection, String holdId) throws SQLException {
        return first(query(connection, "SELECT " + COLUMNS + " FROM holds WHERE hold_id = ?" + dialect.forUpdate(),
                holdId));
    }

    Optional<Hold> byKey(Connection connection, String idempotencyKey) throws SQLException {
        return first(query(connection, "SELECT " + COLUMNS + " FROM holds WHERE idempotency_key = ?", idempotencyKey));
    }

    /** Open holds whose deadline has come by {@code now}, the earliest first, at most {@code limit}. */
    List<Hold> due(Connection connection, String now, int limit) throws SQLException {
        return query(connection, "SELECT " + COLUMNS + " FROM holds WHERE status = 'open' AND expires_at <= ?"
                + " ORDER BY expires_at LIMIT " + limit, now);
    }

    /** Records how an open hold was resolved. */
    void resolve(Connection connection, String holdId, HoldStatus status, String at, Long captured, Long entryId)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE holds SET status = ?, resolved_at = ?, captured = ?, capture_entry_id = ?
                WHERE hold_id = ? AND status = 'open'""")) {
            update.setString(1, status.value());
            update.setString(2, at);
            setLong(update, 3, captured);
            setLong(update, 4, entryId);
            update.setString(5, holdId);
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("hold " + holdId + " was not open when resolved");
            }
        }
    }

    /** Keeps the balance and available coins that a hold's resolution answered, to answer them again. */
    void recordAnswer(Connection connection, String holdId, long balance, long available) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE holds SET resolved_balance = ?, resolved_available = ? WHERE hold_id = ?")) {
            update.setLong(1, balance);
            update.setLong(2, available);
            update.setString(3, holdId);
            update.executeUpdate();
        }
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, java.sql.Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    private static Optional<Hold> first(List<Hold> holds) {
        return holds.stream().findFirst();
    }

    private static List<Hold> query(Connection connection, String sql, String parameter) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet rows = query.executeQuery()) {
                List<Hold> holds = new ArrayList<>();
                while (rows.next()) {
                    holds.add(new Hold(rows.getString(1), rows.getString(2), rows.getString(3), rows.getLong(4),
                            rows.getString(5), rows.getLong(6), rows.getString(7), HoldStatus.of(rows.getString(8)),
                            rows.getString(9), rows.getLong(10), rows.getLong(11), nullableLong(rows, 12),
                            nullableLong(rows, 13), nullableLong(rows, 14), nullableLong(rows, 15)));
                }
                return holds;
            }
        }
    }

    private static Long nullableLong(ResultSet row, int column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }
}
