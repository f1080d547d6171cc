package coinpurse.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Everything that differs between the two backends, in one place. On SQLite every write
 * transaction of the process runs alone (one writer, {@code BEGIN IMMEDIATE}), so locks are
 * already held and a failed statement leaves the transaction usable. On PostgreSQL many
 * connections write at once: rows and keys are locked explicitly, and a statement that may
 * conflict skips the conflict ({@code ON CONFLICT DO NOTHING}), since a failed statement aborts
 * the whole transaction.
 */
public enum Dialect {
    SQLITE("sqlite"),
    POSTGRES("postgresql");

    private final String flywayVendor;

    Dialect(String flywayVendor) {
        this.flywayVendor = flywayVendor;
    }

    /** The backend's name: {@code sqlite} or {@code postgresql} (also Flyway's name for it). */
    public String vendor() {
        return flywayVendor;
    }

    /**
     * Appended to a {@code WHERE} on {@code app_events}: only events that no transaction still
     * running can come before, so that a reader following {@code (txid, position)} never passes one
     * by. On PostgreSQL, the events of transactions older than the oldest one still running; on
     * SQLite, whose writes commit one at a time in {@code position} order, all of them.
     */
    public String eventsSettled() {
        return this == POSTGRES ? " AND txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint" : "";
    }

    /**
     * Whether readers of {@code app_events} follow {@code (txid, position)}: on PostgreSQL; on SQLite
     * {@code txid} is always 0, so they follow {@code position}, its primary key (SQLite's V10
     * dropped the {@code (txid, position)} index there).
     */
    public boolean eventsByTransaction() {
        return this == POSTGRES;
    }

    /** The folder of this backend's migrations under {@code db/migration}. */
    public String migrations() {
        return "classpath:db/migration/" + flywayVendor;
    }

    /**
     * Appended to a SELECT that reads a row the transaction will then write. {@code NO KEY}: the
     * key is never changed, so rows that reference this one (a session's user) may still be
     * inserted meanwhile; a plain {@code FOR UPDATE} would conflict with their foreign-key checks
     * and deadlock two purchases of one user.
     */
    public String forUpdate() {
        return this == POSTGRES ? " FOR NO KEY UPDATE" : "";
    }

    /**
     * What {@link #lock}'s key starts with for the lock of one user, which every change of the
     * user's coins, holds, purchases and events takes first ({@code wallet/Ledger#lockUser}).
     */
    public static final String USER_LOCK_PREFIX = "user:";

    /**
     * Serialises this transaction with every other one that locks {@code key}, until it ends:
     * the money of one payment, one idempotency key. A no-op on SQLite, whose writers already
     * run one at a time.
     */
    public void lock(Connection connection, String key) throws SQLException {
        lockOn(connection, "?", key);
    }

    /**
     * As {@link #lock}, on the key that the SQL text expression {@code key} makes of {@code
     * parameters} (none when it is null). Sent with the transaction's next statement ({@link Deferred}).
     */
    public void lockOn(Connection connection, String key, Object... parameters) throws SQLException {
        if (this != POSTGRES) {
            return;
        }
        Deferred.execute(connection, "SELECT pg_advisory_xact_lock(hashtextextended(" + key + ", 0))", parameters);
    }
}
