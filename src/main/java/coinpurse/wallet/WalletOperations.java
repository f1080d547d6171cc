package coinpurse.wallet;

import coinpurse.db.DatabaseException;
import coinpurse.db.Deferred;
import coinpurse.db.Dialect;
import coinpurse.db.SqlErrors;
import coinpurse.db.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code wallet_operations} table: each applied spend or grant under its idempotency key,
 * with the answer it got. Its primary key is what makes a key act once.
 */
public final class WalletOperations {

    /** An operation applied earlier and the answer it got then. */
    public record Recorded(WalletOperation operation, WalletReceipt receipt) {}

    private final Dialect dialect;

    public WalletOperations(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Makes any other transaction with the same key wait until this one ends, so that a request
     * sent twice at once, to one instance or two, is answered from the first one's record.
     */
    public void lock(Connection connection, String idempotencyKey) throws SQLException {
        dialect.lock(connection, "wallet:" + idempotencyKey);
    }

    public Optional<Recorded> find(Connection connection, String idempotencyKey) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT kind, user_id, amount, reason, ledger_entry_id, balance_after, expires_at, paid, bonus
                FROM wallet_operations WHERE idempotency_key = ?""")) {
            query.setString(1, idempotencyKey);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                String userId = row.getString(2);
                String expiresAt = row.getString(7);
                WalletOperation operation = new WalletOperation(WalletOperation.Kind.of(row.getString(1)), userId,
                        row.getLong(3), idempotencyKey, row.getString(4),
                        expiresAt == null ? null : Instant.parse(expiresAt));
                return Optional.of(new Recorded(operation, new WalletReceipt(userId, row.getLong(6), row.getLong(5),
                        row.getLong(8), row.getLong(9))));
            }
        }
    }

    /**
     * Records the operation and its answer. Sent with the transaction's COMMIT on PostgreSQL
     * ({@link Deferred}): a key recorded meanwhile fails the commit ({@link #isDuplicate}); on
     * SQLite it throws {@link DuplicateOperationException} here.
     */
    public void record(Connection connection, WalletOperation operation, LedgerEntry entry) throws SQLException {
        try {
            Deferred.execute(connection, """
                    INSERT INTO wallet_operations (idempotency_key, kind, user_id, amount, reason, ledger_entry_id,
                        balance_after, created_at, expires_at, paid, bonus)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", operation.idempotencyKey(), operation.kind().value(),
                    operation.userId(), operation.amount(), operation.reason(), entry.id(), entry.balanceAfter(),
                    entry.createdAt(), operation.expiresAt() == null ? null : Timestamps.format(operation.expiresAt()),
                    entry.paid(), entry.bonus());
        } catch (SQLException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw new DuplicateOperationException(operation.idempotencyKey());
            }
            throw e;
        }
    }

    /** True when a transaction failed because its operation's key was recorded meanwhile. */
    static boolean isDuplicate(DatabaseException failed) {
        return failed.getCause() instanceof SQLException e && SqlErrors.isUniqueViolation(e);
    }
}
