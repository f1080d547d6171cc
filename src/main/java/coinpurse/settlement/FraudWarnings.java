package coinpurse.settlement;

import coinpurse.db.Timestamps;
import coinpurse.settlement.FulfilmentResult.Outcome;
import coinpurse.settlement.StripeAnswers.FraudRefund;
import coinpurse.settlement.StripeAnswers.FraudRefund.Decision;
import coinpurse.stripe.FraudWarningData;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stripe's early fraud warnings on payments ({@code stripe_fraud_warnings}), whether or not the
 * payment is a purchase here yet, and the refund coinpurse made for one. A warning only moves
 * forward: once not actionable it stays so, and a refund once recorded stays recorded, so events
 * applied in any order, or twice, leave the same row. Writes run on the caller's transaction.
 */
public final class FraudWarnings {
    private static final String COLUMNS =
            "warning_id, payment_intent, charge_id, fraud_type, actionable, refund_id, created_at";

    private final Timestamps timestamps;

    public FraudWarnings(Timestamps timestamps) {
        this.timestamps = timestamps;
    }

    /** A warning as kept here, with the refund coinpurse made for it (null when none). */
    public record Warning(String id, String paymentIntent, String chargeId, String fraudType, boolean actionable,
            String refundId, String createdAt) {}

    /**
     * {@code radar.early_fraud_warning.*}: keeps the warning and what was done about it at Stripe
     * ({@code refund}, decided before the transaction). The refund's own events, not this one, take
     * the coins back.
     */
    public FulfilmentResult record(Connection connection, FraudWarningData warning, FraudRefund refund)
            throws SQLException {
        if (warning.id() == null || warning.paymentIntent() == null) {
            return FulfilmentResult.of(Outcome.IGNORED, "early fraud warning without an id or a payment intent");
        }
        save(connection, warning, refund.decision() == Decision.REFUNDED ? refund.refundId() : null);
        String recorded = "early fraud warning " + warning.id() + " (" + warning.fraudType() + ") on "
                + warning.paymentIntent() + " recorded; ";
        return FulfilmentResult.of(Outcome.UPDATED, recorded + switch (refund.decision()) {
            case REFUNDED -> "refunded in full at Stripe (" + refund.refundId() + "): its refund events take the"
                    + " coins back";
            case WOULD_REFUND -> "it would be refunded in full at Stripe";
            case NOT_REFUNDED -> "not refunded: " + refund.why();
        });
    }

    /** Records a warning, or moves a known one forward, with the refund made for it now (or null). */
    void save(Connection connection, FraudWarningData warning, String refundId) throws SQLException {
        String now = timestamps.now();
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO stripe_fraud_warnings
                    (warning_id, payment_intent, charge_id, fraud_type, actionable, refund_id, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (warning_id) DO UPDATE SET
                    charge_id = COALESCE(stripe_fraud_warnings.charge_id, excluded.charge_id),
                    fraud_type = COALESCE(excluded.fraud_type, stripe_fraud_warnings.fraud_type),
                    actionable = CASE WHEN excluded.actionable < stripe_fraud_warnings.actionable
                        THEN excluded.actionable ELSE stripe_fraud_warnings.actionable END,
                    refund_id = COALESCE(stripe_fraud_warnings.refund_id, excluded.refund_id),
                    updated_at = excluded.updated_at""")) {
            upsert.setString(1, warning.id());
            upsert.setString(2, warning.paymentIntent());
            upsert.setString(3, warning.chargeId());
            upsert.setString(4, warning.fraudType());
            upsert.setInt(5, warning.actionable() ? 1 : 0);
            upsert.setString(6, refundId);
            upsert.setString(7, now);
            upsert.setString(8, now);
            upsert.executeUpdate();
        }
    }

    public Optional<Warning> find(Connection connection, String warningId) throws SQLException {
        List<Warning> found = query(connection, "SELECT " + COLUMNS + " FROM stripe_fraud_warnings WHERE warning_id = ?",
                warningId);
        return found.stream().findFirst();
    }

    /** The warnings on {@code paymentIntent}'s payment, oldest first. */
    public List<Warning> ofPayment(Connection connection, String paymentIntent) throws SQLException {
        return query(connection, "SELECT " + COLUMNS
                + " FROM stripe_fraud_warnings WHERE payment_intent = ? ORDER BY created_at, warning_id", paymentIntent);
    }

    private static List<Warning> query(Connection connection, String sql, String parameter) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet rows = query.executeQuery()) {
                List<Warning> warnings = new ArrayList<>();
                while (rows.next()) {
                    warnings.add(new Warning(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                            rows.getInt(5) == 1, rows.getString(6), rows.getString(7)));
                }
                return warnings;
            }
        }
    }
}
