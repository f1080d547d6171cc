package coinpurse.settlement;

import coinpurse.db.Deferred;
import coinpurse.db.Timestamps;
import coinpurse.stripe.RefundData;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stripe's word on the refunds and disputes of each payment intent ({@code stripe_charges},
 * {@code stripe_refunds}, {@code stripe_disputes}), kept whether or not a purchase here is
 * fulfilled yet. Each write only moves what it stores forward, so events applied in any
 * order, or twice, leave the same rows. Writes run on the caller's transaction.
 *
 * <p>Records made before refunds and disputes were kept by id carry the id
 * {@code legacy:<payment intent>}: a refund placeholder for what the charge's figure showed beyond
 * the refunds known by id (replaced as soon as Stripe's list of the payment's refunds is read), and
 * a dispute without its id (taken over by the first event of that payment's dispute while open).
 */
public final class ReversalRecords {
    static final String LEGACY_PREFIX = "legacy:";
    /** A dispute's statuses once closed: final. */
    private static final List<String> CLOSED_DISPUTE = List.of("won", "lost", "warning_closed", "prevented");

    private final Timestamps timestamps;
    private final DisputeRecords disputes;

    public ReversalRecords(Timestamps timestamps) {
        this.timestamps = timestamps;
        this.disputes = new DisputeRecords(timestamps);
    }

    /** The charge of a payment, as its {@code charge.refunded} events showed it: what was paid, in what currency. */
    public record Charge(long amount, String currency) {}

    /** A refund and its Stripe status: pending, requires_action, succeeded, failed or canceled. */
    public record Refund(String id, long amount, String status) {
        /** Failed and canceled refunds returned no money to the payer; they are final. */
        public boolean returnedNothing() {
            return "failed".equals(status) || "canceled".equals(status);
        }

        /** The money of a refund that did not fail or cancel went back to the payer (or is on its way). */
        public boolean stands() {
            return !returnedNothing();
        }

        /** Where a status stands in a refund's life; a status only ever moves to a later one. */
        static int stage(String status) {
            return switch (status) {
                case "succeeded" -> 1;
                case "failed", "canceled" -> 2;
                default -> 0;
            };
        }
    }

    /**
     * A dispute and its Stripe status: warning_needs_response, warning_under_review,
     * needs_response, under_review while open; won, lost, warning_closed or prevented once closed.
     */
    public record Dispute(String id, String status, boolean fundsReinstated) {
        public boolean isClosed() {
            return isClosed(status);
        }

        public boolean isLost() {
            return "lost".equals(status);
        }

        /** A lost dispute keeps the coins; an open one holds them until Stripe gives the funds back. */
        public boolean holdsCoins() {
            return isLost() || (!isClosed() && !fundsReinstated);
        }

        static boolean isClosed(String status) {
            return CLOSED_DISPUTE.contains(status);
        }
    }

    /** Everything known about one payment intent's reversals. */
    public record Facts(Optional<Charge> charge, List<Refund> refunds, List<Dispute> disputes) {}

    /**
     * Keeps the charge of a payment: its amount and currency (checked against the purchase), and for
     * the record the highest {@code amount_refunded} it showed (what refunded counts is the refunds themselves).
     */
    public void saveCharge(Connection connection, String paymentIntent, String chargeId, long amount,
            String currency, long amountRefunded) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO stripe_charges (payment_intent, charge_id, amount, currency, amount_refunded, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (payment_intent) DO UPDATE SET
                    charge_id = COALESCE(excluded.charge_id, stripe_charges.charge_id),
                    amount = excluded.amount, currency = excluded.currency,
                    amount_refunded = CASE WHEN excluded.amount_refunded > stripe_charges.amount_refunded
                        THEN excluded.amount_refunded ELSE stripe_charges.amount_refunded END,
                    updated_at = excluded.updated_at""")) {
            upsert.setString(1, paymentIntent);
            upsert.setString(2, chargeId);
            upsert.setLong(3, amount);
            upsert.setString(4, currency);
            upsert.setLong(5, amountRefunded);
            upsert.setString(6, timestamps.now());
            upsert.executeUpdate();
        }
    }

    /**
     * Keeps Stripe's whole list of a payment's refunds, as read now: each by id, its status moved
     * forward (never back). The list names every refund, so a legacy placeholder of the payment goes.
     */
    public void saveListedRefunds(Connection connection, String paymentIntent, List<RefundData> listed)
            throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM stripe_refunds WHERE refund_id = ? AND payment_intent = ?")) {
            delete.setString(1, LEGACY_PREFIX + paymentIntent);
            delete.setString(2, paymentIntent);
            delete.executeUpdate();
        }
        for (RefundData refund : listed) {
            if (isUsable(refund) && paymentIntent.equals(refund.paymentIntent())) {
                saveRefund(connection, refund.id(), paymentIntent, refund.amount(), refund.currency(), refund.status());
            }
        }
    }

    /** A refund with an id, an amount and a status, not one of ours that stands for a legacy figure. */
    static boolean isUsable(RefundData refund) {
        return refund.id() != null && !refund.id().startsWith(LEGACY_PREFIX) && refund.amount() != null
                && refund.amount() >= 0 && refund.status() != null;
    }

    /** Records a refund, or moves a known one's status forward (never back). */
    public void saveRefund(Connection connection, String refundId, String paymentIntent, long amount,
            String currency, String status) throws SQLException {
        Optional<String> stored = refundStatus(connection, refundId);
        if (stored.isEmpty()) {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO stripe_refunds (refund_id, payment_intent, amount, currency, status, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?)""")) {
                insert.setString(1, refundId);
                insert.setString(2, paymentIntent);
                insert.setLong(3, amount);
                insert.setString(4, currency);
                insert.setString(5, status);
                insert.setString(6, timestamps.now());
                insert.executeUpdate();
            }
        } else if (Refund.stage(status) > Refund.stage(stored.get())) {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE stripe_refunds SET status = ?, updated_at = ? WHERE refund_id = ?")) {
                update.setString(1, status);
                update.setString(2, timestamps.now());
                update.setString(3, refundId);
                update.executeUpdate();
            }
        }
    }

    private static Optional<String> refundStatus(Connection connection, String refundId) throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement("SELECT status FROM stripe_refunds WHERE refund_id = ?")) {
            query.setString(1, refundId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        }
    }

    /** Records a dispute, or moves a known one forward ({@link DisputeRecords#save}). */
    public void saveDispute(Connection connection, String disputeId, String paymentIntent, String status,
            Long createdEpochSecond, boolean fundsReinstated) throws SQLException {
        disputes.save(connection, disputeId, paymentIntent, status, createdEpochSecond, fundsReinstated);
    }

    /**
     * Whether anything is recorded for {@code paymentIntent}: one cheap read on the fulfilment path,
     * sent with the transaction's next statement ({@link Deferred}).
     */
    public Deferred.Later<Boolean> anyFor(Connection connection, String paymentIntent) throws SQLException {
        return Deferred.query(connection, ResultSet::next, """
                SELECT 1 FROM stripe_charges WHERE payment_intent = ?
                UNION ALL SELECT 1 FROM stripe_refunds WHERE payment_intent = ?
                UNION ALL SELECT 1 FROM stripe_disputes WHERE payment_intent = ?
                LIMIT 1""", paymentIntent, paymentIntent, paymentIntent);
    }

    /** Everything recorded for {@code paymentIntent}. */
    public Facts factsOf(Connection connection, String paymentIntent) throws SQLException {
        Optional<Charge> charge = Optional.empty();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT amount, currency FROM stripe_charges WHERE payment_intent = ?")) {
            query.setString(1, paymentIntent);
            try (ResultSet row = query.executeQuery()) {
                if (row.next()) {
                    charge = Optional.of(new Charge(row.getLong(1), row.getString(2)));
                }
            }
        }
        List<Refund> refunds = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT refund_id, amount, status FROM stripe_refunds WHERE payment_intent = ?")) {
            query.setString(1, paymentIntent);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    refunds.add(new Refund(rows.getString(1), rows.getLong(2), rows.getString(3)));
                }
            }
        }
        List<Dispute> disputes = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT dispute_id, status, funds_reinstated FROM stripe_disputes WHERE payment_intent = ?")) {
            query.setString(1, paymentIntent);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    disputes.add(disputeOf(rows));
                }
            }
        }
        return new Facts(charge, List.copyOf(refunds), List.copyOf(disputes));
    }

    static Dispute disputeOf(ResultSet row) throws SQLException {
        return new Dispute(row.getString(1), row.getString(2), row.getInt(3) == 1);
    }
}
