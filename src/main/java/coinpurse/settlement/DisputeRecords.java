package coinpurse.settlement;

import coinpurse.db.Timestamps;
import coinpurse.settlement.ReversalRecords.Dispute;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** {@code stripe_disputes}' writes for {@link ReversalRecords}: each dispute by id, and the adoption of a legacy record. */
final class DisputeRecords {
    /** How far Stripe's clock (a dispute's {@code created}) and ours (a record's time) may differ. */
    private static final Duration CLOCK_DIFFERENCE = Duration.ofMinutes(5);

    private final Timestamps timestamps;

    DisputeRecords(Timestamps timestamps) {
        this.timestamps = timestamps;
    }

    /**
     * Records a dispute, or moves a known one forward: a closed dispute stays as it closed.
     * {@code fundsReinstated} is only ever set, never cleared. A payment intent whose dispute was
     * recorded before disputes had ids keeps it as {@code legacy:<payment intent>}: an event of a
     * dispute created ({@code createdEpochSecond}) before that record was last written is the
     * dispute the older server saw, and takes the record over; a dispute created later is a new
     * one, with a record of its own (it takes the coins again).
     */
    void save(Connection connection, String disputeId, String paymentIntent, String status,
            Long createdEpochSecond, boolean fundsReinstated) throws SQLException {
        Optional<Dispute> stored = find(connection, disputeId);
        if (stored.isEmpty() && adoptLegacyDispute(connection, disputeId, paymentIntent, createdEpochSecond)) {
            stored = find(connection, disputeId);
        }
        if (stored.isEmpty()) {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO stripe_disputes (dispute_id, payment_intent, status, funds_reinstated, updated_at)
                    VALUES (?, ?, ?, ?, ?)""")) {
                insert.setString(1, disputeId);
                insert.setString(2, paymentIntent);
                insert.setString(3, status);
                insert.setInt(4, fundsReinstated ? 1 : 0);
                insert.setString(5, timestamps.now());
                insert.executeUpdate();
            }
            return;
        }
        String next = stored.get().isClosed() ? stored.get().status() : status;
        boolean reinstated = stored.get().fundsReinstated() || fundsReinstated;
        if (next.equals(stored.get().status()) && reinstated == stored.get().fundsReinstated()) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE stripe_disputes SET status = ?, funds_reinstated = ?, updated_at = ?
                WHERE dispute_id = ?""")) {
            update.setString(1, next);
            update.setInt(2, reinstated ? 1 : 0);
            update.setString(3, timestamps.now());
            update.setString(4, disputeId);
            update.executeUpdate();
        }
    }

    /**
     * Gives the legacy dispute record of {@code paymentIntent} the id {@code disputeId} when that
     * dispute is the one the record stands for: created before the record was last written, give or
     * take {@link #CLOCK_DIFFERENCE} between Stripe's clock and ours. Without a creation time, only
     * an open record is taken over (a payment has one open dispute at most).
     */
    private static boolean adoptLegacyDispute(Connection connection, String disputeId, String paymentIntent,
            Long createdEpochSecond) throws SQLException {
        String legacyId = ReversalRecords.LEGACY_PREFIX + paymentIntent;
        Optional<Dispute> legacy = find(connection, legacyId);
        if (legacy.isEmpty()) {
            return false;
        }
        boolean sameDispute = createdEpochSecond == null
                ? !legacy.get().isClosed()
                : !Instant.ofEpochSecond(createdEpochSecond).isAfter(
                        Instant.parse(legacyWrittenAt(connection, legacyId)).plus(CLOCK_DIFFERENCE));
        if (!sameDispute) {
            return false;
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE stripe_disputes SET dispute_id = ? WHERE dispute_id = ?")) {
            update.setString(1, disputeId);
            update.setString(2, legacyId);
            return update.executeUpdate() == 1;
        }
    }

    private static String legacyWrittenAt(Connection connection, String legacyId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT updated_at FROM stripe_disputes WHERE dispute_id = ?")) {
            query.setString(1, legacyId);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    private static Optional<Dispute> find(Connection connection, String disputeId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT dispute_id, status, funds_reinstated FROM stripe_disputes WHERE dispute_id = ?")) {
            query.setString(1, disputeId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(ReversalRecords.disputeOf(row)) : Optional.empty();
            }
        }
    }
}
