package coinpurse.wallet;

import coinpurse.db.Dialect;
import coinpurse.db.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Users' balances and the ledger that explains them. Every balance change goes through
 * {@link #append}, which writes the ledger row and the new balance on the caller's
 * connection, so both land in the caller's transaction or neither does.
 */
public final class Ledger {
    private final Timestamps timestamps;
    private final Dialect dialect;

    /** A ledger on SQLite. */
    public Ledger(Timestamps timestamps) {
        this(timestamps, Dialect.SQLITE);
    }

    public Ledger(Timestamps timestamps, Dialect dialect) {
        this.timestamps = timestamps;
        this.dialect = dialect;
    }


    /** Creates the user with a balance of 0 if this is the first time we see them. */
    public void ensureUser(Connection connection, String userId) throws SQLException {
        if (balanceOf(connection, userId).isPresent()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO users (id, balance, created_at) VALUES (?, 0, ?) ON CONFLICT (id) DO NOTHING")) {
            insert.setString(1, userId);
            insert.setString(2, timestamps.now());
            insert.executeUpdate();
        }
    }

    /** The user's balance, or empty for a user never seen. */
    public OptionalLong balanceOf(Connection connection, String userId) throws SQLException {
        return balance(connection, userId, "");
    }

    /**
     * The user's balance, locked until the transaction ends: for a read that decides a write
     * (another transaction spending from the same balance waits).
     */
    public OptionalLong lockedBalanceOf(Connection connection, String userId) throws SQLException {
        return balance(connection, userId, dialect.forUpdate());
    }

    private static OptionalLong balance(Connection connection, String userId, String lock) throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement("SELECT balance FROM users WHERE id = ?" + lock)) {
            query.setString(1, userId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /**
     * Adds {@code delta} (negative to take coins back) to the user's balance and records
     * why. Must run inside a write transaction. Throws {@link DuplicateLedgerEntryException}
     * when a unique constraint says this entry exists already.
     */
    public LedgerEntry append(Connection connection, String userId, long delta, String reason,
            String reference) throws SQLException {
        OptionalLong current = lockedBalanceOf(connection, userId);
        if (current.isEmpty()) {
            // Another transaction may create the user meanwhile: read what it committed, locked.
            ensureUser(connection, userId);
            current = lockedBalanceOf(connection, userId);
        }
        long balanceAfter = Math.addExact(current.orElseThrow(), delta);
        String now = timestamps.now();
        long id = insertEntry(connection, userId, delta, balanceAfter, reason, reference, now)
                .orElseThrow(() -> new DuplicateLedgerEntryException(reference));
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE users SET balance = ? WHERE id = ?")) {
            update.setLong(1, balanceAfter);
            update.setString(2, userId);
            update.executeUpdate();
        }
        return new LedgerEntry(id, userId, delta, balanceAfter, reason, reference, now);
    }

    /**
     * The new row's id, or empty when a unique constraint says the entry exists already. The
     * conflict is skipped rather than raised: on PostgreSQL a failed statement would abort the
     * whole transaction.
     */
    private static OptionalLong insertEntry(Connection connection, String userId, long delta, long balanceAfter,
            String reason, String reference, String now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO coin_ledger (user_id, delta, balance_after, reason, reference, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""", Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, userId);
            insert.setLong(2, delta);
            insert.setLong(3, balanceAfter);
            insert.setString(4, reason);
            insert.setString(5, reference);
            insert.setString(6, now);
            if (insert.executeUpdate() == 0) {
                return OptionalLong.empty();
            }
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return OptionalLong.of(keys.getLong(1));
            }
        }
    }

    /**
     * The user's entries newest first, at most {@code limit}, only those older than the entry
     * {@code beforeId} when given: a cursor that stays right while new entries arrive.
     */
    public List<LedgerEntry> history(Connection connection, String userId, int limit, OptionalLong beforeId)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT id, user_id, delta, balance_after, reason, reference, created_at
                FROM coin_ledger WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?""")) {
            query.setString(1, userId);
            query.setLong(2, beforeId.orElse(Long.MAX_VALUE));
            query.setInt(3, limit);
            try (ResultSet rows = query.executeQuery()) {
                List<LedgerEntry> entries = new ArrayList<>();
                while (rows.next()) {
                    entries.add(new LedgerEntry(rows.getLong(1), rows.getString(2), rows.getLong(3),
                            rows.getLong(4), rows.getString(5), rows.getString(6), rows.getString(7)));
                }
                return entries;
            }
        }
    }
}
