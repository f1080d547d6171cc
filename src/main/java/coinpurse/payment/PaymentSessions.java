package coinpurse.payment;

import coinpurse.db.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code payment_sessions} table. Writes run on the caller's transaction. */
public final class PaymentSessions {

    public void insert(Connection connection, PaymentSession session) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO payment_sessions (session_id, user_id, package_id, amount_cents, currency,
                    coins, bonus, status, payment_intent, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
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
            insert.executeUpdate();
        }
    }

    public Optional<PaymentSession> find(Connection connection, String sessionId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT session_id, user_id, package_id, amount_cents, currency, coins, bonus, status,
                       payment_intent, created_at
                FROM payment_sessions WHERE session_id = ?""")) {
            query.setString(1, sessionId);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new PaymentSession(row.getString(1), row.getString(2), row.getString(3),
                        row.getLong(4), row.getString(5), row.getLong(6), row.getLong(7),
                        SessionStatus.of(row.getString(8)), row.getString(9), row.getString(10)));
            }
        }
    }

    /** Moves a session to {@code to} only if it is still in {@code from}; true if it moved. */
    public boolean transition(Connection connection, String sessionId, SessionStatus from, SessionStatus to)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE payment_sessions SET status = ?, updated_at = ?
                WHERE session_id = ? AND status = ?""")) {
            update.setString(1, to.value());
            update.setString(2, Timestamps.now());
            update.setString(3, sessionId);
            update.setString(4, from.value());
            return update.executeUpdate() == 1;
        }
    }

    public void markCompleted(Connection connection, String sessionId, String paymentIntent)
            throws SQLException {
        String now = Timestamps.now();
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE payment_sessions
                SET status = 'completed', payment_intent = COALESCE(?, payment_intent),
                    completed_at = ?, updated_at = ?
                WHERE session_id = ?""")) {
            update.setString(1, paymentIntent);
            update.setString(2, now);
            update.setString(3, now);
            update.setString(4, sessionId);
            update.executeUpdate();
        }
    }
}
