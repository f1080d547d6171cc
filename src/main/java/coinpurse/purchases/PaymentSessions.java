package coinpurse.purchases;

import coinpurse.db.Deferred;
import coinpurse.db.Dialect;
import coinpurse.db.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code payment_sessions} table. Writes run on the caller's transaction. */
public final class PaymentSessions {
    /**
     * The columns of a {@link PaymentSession}, of {@code payment_sessions s}, in the order
     * {@link #sessionOf} reads them: any query that selects them first can map its rows with it.
     */
    public static final String SESSION_COLUMNS = """
            s.session_id, s.user_id, s.package_id, s.amount_cents, s.currency, s.coins, s.bonus, s.status, \
            s.payment_intent, s.created_at""";
    private static final String FIND = "SELECT " + SESSION_COLUMNS + " FROM payment_sessions s WHERE s.session_id = ?";
    private static final String FIND_STANDING = """
            SELECT s.user_id, s.status, s.coins + s.bonus
            FROM payment_sessions s WHERE s.session_id = ?""";
    private static final String FIND_BY_PAYMENT_INTENT = "SELECT " + SESSION_COLUMNS + """
            , s.amount_refunded, s.coins_reversed, s.dispute_status, s.paid_reversed
            FROM payment_sessions s WHERE s.payment_intent = ?
            ORDER BY s.created_at, s.session_id LIMIT 1""";

    /**
     * SQL for the user of session {@code ?}, else the user {@code ?} (which may be null): for a lock
     * taken before the session is known here ({@code Ledger#lockUserOf}).
     */
    public static final String USER_OF_SESSION_OR =
            "COALESCE((SELECT user_id FROM payment_sessions WHERE session_id = ?), ?)";

    private final Timestamps timestamps;
    private final Dialect dialect;

    public PaymentSessions(Timestamps timestamps, Dialect dialect) {
        this.timestamps = timestamps;
        this.dialect = dialect;
    }

    /**
     * Makes every other transaction that moves the money of {@code paymentIntent} (its credit,
     * refunds, disputes) wait until this one ends. Taken before the session's row is locked, in
     * that order everywhere, so that two such transactions never wait on each other.
     */
    public void lockPayment(Connection connection, String paymentIntent) throws SQLException {
        dialect.lock(connection, "payment:" + paymentIntent);
    }

    /** What the status route tells of a session: whose it is, its status and its coins. */
    public record Standing(String userId, SessionStatus status, long coinsTotal) {}

    /**
     * Records a session; one recorded meanwhile by another transaction (or process) is left as it
     * is. True when this call recorded it.
     */
    public boolean insert(Connection connection, PaymentSession session) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO payment_sessions (session_id, user_id, package_id, amount_cents, currency,
                    coins, bonus, status, payment_intent, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (session_id) DO NOTHING""")) {
            insert.setString(1, session.sessionId());
            insert.setString(2, session.userId());
            insert.setString(3, session.packageId());
            insert.setLong(4, session.amountCents());
            insert.setString(5, session.currency());
            insert.setLong(6, session.coins());
            insert.setLong(7, session.bonus());
            insert.setString(8, session.status().value());
            insert.setString(9, session.paymentIntent());
            insert.setString(10, session.createdAt());
            insert.setString(11, session.createdAt());
            return insert.executeUpdate() == 1;
        }
    }

    public Optional<PaymentSession> find(Connection connection, String sessionId) throws SQLException {
        return find(connection, sessionId, "");
    }

    /** The session, its row locked until the transaction ends: for a read that decides a write. */
    public Optional<PaymentSession> findForUpdate(Connection connection, String sessionId) throws SQLException {
        return find(connection, sessionId, dialect.forUpdate());
    }

    private static Optional<PaymentSession> find(Connection connection, String sessionId, String lock)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(FIND + lock)) {
            query.setString(1, sessionId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(sessionOf(row)) : Optional.empty();
            }
        }
    }

    /** The session's standing: whose it is, its status and its coins. */
    public Optional<Standing> findStanding(Connection connection, String sessionId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(FIND_STANDING)) {
            query.setString(1, sessionId);
            try (ResultSet row = query.executeQuery()) {
                return row.next()
                        ? Optional.of(new Standing(row.getString(1), SessionStatus.of(row.getString(2)),
                                row.getLong(3)))
                        : Optional.empty();
            }
        }
    }

    /**
     * The purchase paid by {@code paymentIntent}, with what has been taken back from it so far,
     * its row locked until the transaction ends; empty when no session here carries that payment
     * intent (it is recorded at fulfilment).
     */
    public Optional<PurchaseReversal> findByPaymentIntent(Connection connection, String paymentIntent)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(FIND_BY_PAYMENT_INTENT + dialect.forUpdate())) {
            query.setString(1, paymentIntent);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new PurchaseReversal(sessionOf(row), row.getLong(11), row.getLong(12),
                        row.getLong(14), DisputeStatus.of(row.getString(13))));
            }
        }
    }

    /** The session that {@code paymentIntent} paid, as it stands (no lock): empty when none here carries it. */
    public Optional<PaymentSession> findPurchase(Connection connection, String paymentIntent) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(FIND_BY_PAYMENT_INTENT)) {
            query.setString(1, paymentIntent);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(sessionOf(row)) : Optional.empty();
            }
        }
    }

    /**
     * Stores what {@link Reversals} decided for a purchase: its refunds, reversed coins (and the paid
     * part of them), dispute and status.
     */
    public void saveReversal(Connection connection, String sessionId, long amountRefunded, long coinsReversed,
            long paidReversed, DisputeStatus dispute, SessionStatus status) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE payment_sessions
                SET amount_refunded = ?, coins_reversed = ?, paid_reversed = ?, dispute_status = ?, status = ?,
                    updated_at = ?
                WHERE session_id = ?""")) {
            update.setLong(1, amountRefunded);
            update.setLong(2, coinsReversed);
            update.setLong(3, paidReversed);
            update.setString(4, dispute == null ? null : dispute.value());
            update.setString(5, status.value());
            update.setString(6, timestamps.now());
            update.setString(7, sessionId);
            update.executeUpdate();
        }
    }

    /**
     * Appends what a purchase's money stands at from now on: {@code refundedCents} and whether a
     * dispute holds it (open or lost), for the money report of any later moment.
     */
    public void recordMoney(Connection connection, String sessionId, long refundedCents, boolean disputed)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO purchase_money_history (session_id, refunded_cents, disputed, recorded_at)
                VALUES (?, ?, ?, ?)""")) {
            insert.setString(1, sessionId);
            insert.setLong(2, refundedCents);
            insert.setInt(3, disputed ? 1 : 0);
            insert.setString(4, timestamps.now());
            insert.executeUpdate();
        }
    }

    /** The session in the current row of {@code row}, whose first columns are {@link #SESSION_COLUMNS}. */
    public static PaymentSession sessionOf(ResultSet row) throws SQLException {
        return new PaymentSession(row.getString(1), row.getString(2), row.getString(3),
                row.getLong(4), row.getString(5), row.getLong(6), row.getLong(7),
                SessionStatus.of(row.getString(8)), row.getString(9), row.getString(10));
    }

    /** Moves a session to {@code to} only if it is still in {@code from}; true if it moved. */
    public boolean transition(Connection connection, String sessionId, SessionStatus from, SessionStatus to)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE payment_sessions SET status = ?, updated_at = ?
                WHERE session_id = ? AND status = ?""")) {
            update.setString(1, to.value());
            update.setString(2, timestamps.now());
            update.setString(3, sessionId);
            update.setString(4, from.value());
            return update.executeUpdate() == 1;
        }
    }

    /** Marks the session completed, sent with the transaction's next statement ({@link Deferred}). */
    public void markCompleted(Connection connection, String sessionId, String paymentIntent)
            throws SQLException {
        String now = timestamps.now();
        Deferred.execute(connection, """
                UPDATE payment_sessions
                SET status = 'completed', payment_intent = COALESCE(?, payment_intent),
                    completed_at = ?, updated_at = ?
                WHERE session_id = ?""", paymentIntent, now, now, sessionId);
    }
}
