package coinpurse.wallet;

import coinpurse.db.Deferred;
import coinpurse.db.Dialect;
import coinpurse.db.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Users' balances and the ledger that explains them: one row per change, written with the new
 * balance and debt on the caller's connection, so both land in the caller's transaction or neither
 * does. Which lots a row moved is {@link CoinBook}'s part; every change goes through it.
 */
public final class Ledger {
    /** The user's balance and debt, and whether any of their lots is due to expire by then (?, the time). */
    static final String ACCOUNT = """
            SELECT balance, debt, EXISTS (SELECT 1 FROM coin_lots l WHERE l.user_id = users.id
                AND l.remaining > 0 AND l.expires_at IS NOT NULL AND l.expires_at <= ?)
            FROM users WHERE id = ?""";

    private final Timestamps timestamps;
    private final Dialect dialect;

    public Ledger(Timestamps timestamps, Dialect dialect) {
        this.timestamps = timestamps;
        this.dialect = dialect;
    }

    /** Creates the user with a balance of 0 if this is the first time we see them. */
    public void ensureUser(Connection connection, String userId) throws SQLException {
        Deferred.execute(connection, "INSERT INTO users (id, balance, created_at) VALUES (?, 0, ?) ON CONFLICT (id) DO NOTHING",
                userId, timestamps.now());
    }

    /** The user's stored balance, or empty for a user never seen. */
    public OptionalLong balanceOf(Connection connection, String userId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT balance FROM users WHERE id = ?")) {
            query.setString(1, userId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /**
     * Makes every other transaction that changes this user's coins, holds or purchases wait until
     * this one ends. Taken before the transaction's first write: on PostgreSQL a transaction gets
     * its id at its first write, and the event feed orders events by it
     * ({@code events/EventFeed}), so a user's transactions must get their ids in the order they
     * take this lock, which is the order of the user's event sequence. (A row lock would give the
     * waiting transaction its id before it waits.) A no-op on SQLite, whose writes run one at a time.
     */
    public void lockUser(Connection connection, String userId) throws SQLException {
        dialect.lock(connection, Dialect.USER_LOCK_PREFIX + userId);
    }

    /**
     * {@link #lockUser} of the user that the SQL expression {@code userIdSql} names with {@code
     * parameters}; none when it names none (null).
     */
    public void lockUserOf(Connection connection, String userIdSql, Object... parameters) throws SQLException {
        dialect.lockOn(connection, "'" + Dialect.USER_LOCK_PREFIX + "' || " + userIdSql, parameters);
    }

    /** A user's account, locked, and whether any of their lots is due to expire by then. */
    record Locked(Account account, boolean lotsDue) {}

    /**
     * The user's balance and debt, the user created first if new, and locked until the transaction
     * ends: every change of a user's coins takes this lock first ({@link #lockUser}, then the row),
     * so changes of one user run one at a time (on SQLite every write does anyway). In the same
     * statement: whether lots of the user are due to expire by {@code now} (ISO text), so that a
     * user without any costs no second query.
     */
    Locked lock(Connection connection, String userId, String now) throws SQLException {
        lockUser(connection, userId);
        Optional<Locked> found = locked(connection, userId, now);
        if (found.isPresent()) {
            return found.get();
        }
        ensureUser(connection, userId);
        return locked(connection, userId, now).orElseThrow();
    }

    private Optional<Locked> locked(Connection connection, String userId, String now) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(ACCOUNT + dialect.forUpdate())) {
            query.setString(1, now);
            query.setString(2, userId);
            try (ResultSet row = query.executeQuery()) {
                return row.next()
                        ? Optional.of(new Locked(new Account(userId, row.getLong(1), row.getLong(2)), row.getBoolean(3)))
                        : Optional.empty();
            }
        }
    }

    /**
     * Writes one row: {@code delta} to the balance, {@code paid} and {@code bonus} to the unspent
     * coins of each kind, the rest to the debt, on {@code before} (read by {@link #lock}). Throws
     * {@link DuplicateLedgerEntryException} when a unique constraint says the row exists already
     * (a purchase credited once per session), before anything is written.
     */
    LedgerEntry append(Connection connection, Account before, long delta, long paid, long bonus, String reason,
            String reference) throws SQLException {
        long balanceAfter = Math.addExact(before.balance(), delta);
        long debtAfter = before.debt() - (delta - paid - bonus);
        if (debtAfter < 0) {
            throw new IllegalStateException("a ledger row would leave user " + before.userId() + " a debt of "
                    + debtAfter);
        }
        String now = timestamps.now();
        long id = insertEntry(connection, before.userId(), delta, balanceAfter, paid, bonus, reason, reference, now)
                .orElseThrow(() -> new DuplicateLedgerEntryException(reference));
        Deferred.execute(connection, "UPDATE users SET balance = ?, debt = ? WHERE id = ?", balanceAfter, debtAfter,
                before.userId());
        return new LedgerEntry(id, before.userId(), delta, balanceAfter, paid, bonus, reason, reference, now);
    }

    /** The account once {@code entry}, written on {@code before}, committed. */
    static Account after(Account before, LedgerEntry entry) {
        return new Account(before.userId(), entry.balanceAfter(),
                before.debt() - (entry.delta() - entry.paid() - entry.bonus()));
    }

    /**
     * The new row's id, or empty when a unique constraint says the entry exists already. The
     * conflict is skipped rather than raised: on PostgreSQL a failed statement would abort the
     * whole transaction.
     */
    private static OptionalLong insertEntry(Connection connection, String userId, long delta, long balanceAfter,
            long paid, long bonus, String reason, String reference, String now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO coin_ledger (user_id, delta, balance_after, paid, bonus, reason, reference, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                RETURNING id""")) {
            insert.setString(1, userId);
            insert.setLong(2, delta);
            insert.setLong(3, balanceAfter);
            insert.setLong(4, paid);
            insert.setLong(5, bonus);
            insert.setString(6, reason);
            insert.setString(7, reference);
            insert.setString(8, now);
            try (ResultSet key = insert.executeQuery()) {
                return key.next() ? OptionalLong.of(key.getLong(1)) : OptionalLong.empty();
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
                SELECT id, user_id, delta, balance_after, paid, bonus, reason, reference, created_at
                FROM coin_ledger WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?""")) {
            query.setString(1, userId);
            query.setLong(2, beforeId.orElse(Long.MAX_VALUE));
            query.setInt(3, limit);
            try (ResultSet rows = query.executeQuery()) {
                List<LedgerEntry> entries = new ArrayList<>();
                while (rows.next()) {
                    entries.add(new LedgerEntry(rows.getLong(1), rows.getString(2), rows.getLong(3), rows.getLong(4),
                            rows.getLong(5), rows.getLong(6), rows.getString(7), rows.getString(8),
                            rows.getString(9)));
                }
                return entries;
            }
        }
    }
}
