package coinpurse.audit;

import coinpurse.audit.Problem.Kind;
import coinpurse.purchases.DisputeStatus;
import coinpurse.purchases.PaymentSession;
import coinpurse.purchases.PaymentSessions;
import coinpurse.purchases.SessionStatus;
import coinpurse.settlement.OwedBack;
import coinpurse.settlement.ReversalRecords.Charge;
import coinpurse.settlement.ReversalRecords.Dispute;
import coinpurse.settlement.ReversalRecords.Facts;
import coinpurse.settlement.ReversalRecords.Refund;
import coinpurse.settlement.Reversals;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every refund and dispute matches its purchase's state, two ways:
 * <ul>
 * <li>the coins a purchase shows as taken back ({@code coins_reversed}) are what its refund and
 *     dispute ledger rows took (refund, dispute) less what they gave back (refund_reversed,
 *     dispute_won); a session never fulfilled has neither;
 * <li>its taken-back coins, refunded amount, dispute and status are what {@link OwedBack}, the
 *     rule {@link Reversals} settles by, makes of Stripe's word kept for its payment
 *     ({@code stripe_charges}, {@code stripe_refunds}, {@code stripe_disputes}). Not for a
 *     purchase whose charge showed another amount or currency: such events are rejected and
 *     move nothing, so the purchase stays as it was.
 * </ul>
 */
final class ReversalCheck implements Check {
    private static final String SESSIONS = "SELECT " + PaymentSessions.SESSION_COLUMNS + """
            , s.amount_refunded, s.coins_reversed, s.dispute_status
            FROM payment_sessions s ORDER BY s.user_id, s.session_id""";
    private static final String TAKEN_BACK = """
            SELECT reference, MIN(user_id), -SUM(delta), COUNT(*) FROM coin_ledger
            WHERE reason IN ('refund', 'refund_reversed', 'dispute', 'dispute_won')
            GROUP BY reference""";

    @Override
    public Checked run(Connection connection, List<Problem> problems) throws SQLException {
        Map<String, Taken> taken = takenBack(connection);
        Map<String, Charge> charges = charges(connection);
        Map<String, List<Refund>> refunds = refunds(connection);
        Map<String, List<Dispute>> disputes = disputes(connection);
        long reversed = 0;
        try (PreparedStatement query = connection.prepareStatement(SESSIONS);
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                PaymentSession session = PaymentSessions.sessionOf(rows);
                Stored stored = new Stored(rows.getLong(11), rows.getLong(12), DisputeStatus.of(rows.getString(13)),
                        session.status());
                Taken rowsTook = taken.remove(session.sessionId());
                String pi = session.paymentIntent();
                Facts facts = pi == null ? null : new Facts(Optional.ofNullable(charges.get(pi)),
                        refunds.getOrDefault(pi, List.of()), disputes.getOrDefault(pi, List.of()));
                boolean hasFacts = facts != null
                        && (facts.charge().isPresent() || !facts.refunds().isEmpty() || !facts.disputes().isEmpty());
                if (rowsTook != null || stored.coinsReversed() != 0 || hasFacts) {
                    reversed++;
                }
                check(session, stored, rowsTook, hasFacts ? facts : null, problems);
            }
        }
        for (Map.Entry<String, Taken> orphan : taken.entrySet()) {
            problems.add(new Problem(Kind.REVERSAL_WITHOUT_PURCHASE, orphan.getValue().userId(), orphan.getValue()
                    .rows() + " refund or dispute ledger rows name session " + orphan.getKey()
                    + ", which is not recorded here"));
        }
        return new Checked("refunded_or_disputed_purchases", reversed);
    }

    private static void check(PaymentSession session, Stored stored, Taken rowsTook, Facts facts,
            List<Problem> problems) {
        long tookByRows = rowsTook == null ? 0 : rowsTook.coins();
        if (!session.status().isFulfilled()) {
            if (rowsTook != null || stored.coinsReversed() != 0) {
                problems.add(new Problem(Kind.REVERSAL_WITHOUT_PURCHASE, session.userId(), "session "
                        + session.sessionId() + " is " + session.status().value() + " but shows "
                        + stored.coinsReversed() + " coins taken back, and its refund or dispute ledger rows took "
                        + tookByRows));
            }
            return;
        }
        List<String> wrong = new ArrayList<>();
        if (tookByRows != stored.coinsReversed()) {
            wrong.add("it shows " + stored.coinsReversed() + " coins taken back but its refund and dispute ledger"
                    + " rows took " + tookByRows);
        }
        Stored owed = owed(session, facts);
        if (owed != null && !owed.equals(stored)) {
            wrong.add("Stripe's records make it " + owed + " but it is " + stored);
        }
        if (!wrong.isEmpty()) {
            problems.add(new Problem(Kind.REVERSAL_MISMATCH, session.userId(), "purchase " + session.sessionId()
                    + ": " + String.join("; ", wrong)));
        }
    }

    /**
     * What the purchase should show from what is kept about its payment; null when nothing is
     * compared (a charge of another amount or currency, whose events move nothing).
     */
    private static Stored owed(PaymentSession session, Facts facts) {
        if (facts == null) {
            return new Stored(0, 0, null, SessionStatus.COMPLETED);
        }
        boolean chargeDiffers = facts.charge().filter(charge -> charge.amount() != session.amountCents()
                || !session.currency().equalsIgnoreCase(charge.currency())).isPresent();
        if (chargeDiffers) {
            return null;
        }
        OwedBack owed = OwedBack.of(session, facts);
        return new Stored(owed.amountRefunded(), owed.coins(), owed.dispute(), owed.status());
    }

    /** What a purchase row shows about its reversals. */
    private record Stored(long amountRefunded, long coinsReversed, DisputeStatus dispute, SessionStatus status) {
        @Override
        public String toString() {
            return coinsReversed + " coins taken back, " + amountRefunded + " cents refunded, dispute "
                    + (dispute == null ? "none" : dispute.value()) + ", status " + status.value();
        }
    }

    /** What a session's refund and dispute ledger rows took back, net, and whose rows they are. */
    private record Taken(String userId, long coins, long rows) {}

    private static Map<String, Taken> takenBack(Connection connection) throws SQLException {
        Map<String, Taken> taken = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement(TAKEN_BACK);
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                taken.put(Objects.toString(rows.getString(1)), new Taken(rows.getString(2), rows.getLong(3),
                        rows.getLong(4)));
            }
        }
        return taken;
    }

    private static Map<String, Charge> charges(Connection connection) throws SQLException {
        Map<String, Charge> charges = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT payment_intent, amount, currency FROM stripe_charges");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                charges.put(rows.getString(1), new Charge(rows.getLong(2), rows.getString(3)));
            }
        }
        return charges;
    }

    private static Map<String, List<Refund>> refunds(Connection connection) throws SQLException {
        Map<String, List<Refund>> refunds = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT payment_intent, refund_id, amount, status FROM stripe_refunds");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                refunds.computeIfAbsent(rows.getString(1), pi -> new ArrayList<>())
                        .add(new Refund(rows.getString(2), rows.getLong(3), rows.getString(4)));
            }
        }
        return refunds;
    }

    private static Map<String, List<Dispute>> disputes(Connection connection) throws SQLException {
        Map<String, List<Dispute>> disputes = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT payment_intent, dispute_id, status, funds_reinstated FROM stripe_disputes");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                disputes.computeIfAbsent(rows.getString(1), pi -> new ArrayList<>())
                        .add(new Dispute(rows.getString(2), rows.getString(3), rows.getInt(4) == 1));
            }
        }
        return disputes;
    }
}
