package coinpurse.payment;

import coinpurse.payment.FulfilmentResult.Outcome;
import coinpurse.stripe.ChargeData;
import coinpurse.stripe.DisputeData;
import coinpurse.wallet.Ledger;
import coinpurse.wallet.LedgerEntry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a purchase's coins back when Stripe refunds or disputes its payment, and gives them
 * back when a dispute is won. Every method runs on the caller's write transaction, like
 * {@link Fulfilment}.
 *
 * <p>Events only move the purchase's state forward: the cumulative {@code amount_refunded}
 * only ever grows, and an open dispute only ever closes. From that state follows how many
 * coins should be taken back now:
 *
 * <pre>
 *   target = dispute open or lost ? coins_total : refund share of amount_refunded
 *   refund share = amount_refunded &gt;= amount ? coins_total
 *                                             : floor(coins_total × amount_refunded / amount)
 * </pre>
 *
 * and each event appends one ledger row of {@code coins_reversed − target} (when not zero)
 * and stores {@code coins_reversed = target}. So the same event twice, events out of order
 * or at the same time (each runs alone in its {@code BEGIN IMMEDIATE} transaction) all end
 * at the same balance. The balance may go below zero.
 */
public final class Reversals {
    public static final String REFUND = "refund";
    public static final String DISPUTE = "dispute";
    public static final String DISPUTE_WON = "dispute_won";
    private static final Logger log = LoggerFactory.getLogger(Reversals.class);

    private final PaymentSessions sessions;
    private final Ledger ledger;

    public Reversals(PaymentSessions sessions, Ledger ledger) {
        this.sessions = sessions;
        this.ledger = ledger;
    }

    /** {@code charge.refunded}: takes back the refunded share of the coins not yet taken back. */
    public FulfilmentResult refunded(Connection connection, ChargeData charge) throws SQLException {
        if (charge.paymentIntent() == null) {
            return FulfilmentResult.of(Outcome.IGNORED, "charge without a payment intent: not a Checkout purchase");
        }
        if (charge.amount() == null || charge.amount() <= 0 || charge.amountRefunded() == null
                || charge.amountRefunded() < 0) {
            return FulfilmentResult.of(Outcome.REJECTED, "charge without a usable amount and amount_refunded");
        }
        Optional<PurchaseReversal> found = sessions.findByPaymentIntent(connection, charge.paymentIntent());
        if (found.isEmpty() || !isFulfilled(found.get().session())) {
            return notFulfilled(charge.paymentIntent(), found);
        }
        PurchaseReversal before = found.get();
        PaymentSession session = before.session();
        if (charge.amount() != session.amountCents() || !session.currency().equalsIgnoreCase(charge.currency())) {
            String mismatch = "charge of " + charge.amount() + " " + charge.currency() + " but session "
                    + session.sessionId() + " was for " + session.amountCents() + " " + session.currency();
            log.error("not taking coins back: {}", mismatch);
            return FulfilmentResult.of(Outcome.REJECTED, mismatch);
        }
        long reported = charge.refunded()
                ? Math.max(charge.amountRefunded(), charge.amount())
                : charge.amountRefunded();
        long amountRefunded = Math.max(before.amountRefunded(), reported);
        return settle(connection, before, amountRefunded, before.dispute(), REFUND);
    }

    /** {@code charge.dispute.created}: takes back every coin not yet taken back and marks the dispute open. */
    public FulfilmentResult disputeCreated(Connection connection, DisputeData dispute) throws SQLException {
        Optional<PurchaseReversal> found = disputedPurchase(connection, dispute);
        if (found.isEmpty() || !isFulfilled(found.get().session())) {
            return notFulfilled(dispute.paymentIntent(), found);
        }
        PurchaseReversal before = found.get();
        // A dispute closed already (its "closed" event came first) is not opened again by a late "created".
        DisputeStatus next = before.dispute() == null ? DisputeStatus.OPEN : before.dispute();
        return settle(connection, before, before.amountRefunded(), next, DISPUTE);
    }

    /**
     * {@code charge.dispute.closed}: {@code won} (or {@code warning_closed}, an inquiry that
     * ended without a chargeback) gives back what the dispute took, less the refunds' share;
     * {@code lost} keeps every coin taken back.
     */
    public FulfilmentResult disputeClosed(Connection connection, DisputeData dispute) throws SQLException {
        DisputeStatus outcome = closedOutcome(dispute.status());
        if (outcome == null) {
            return FulfilmentResult.of(Outcome.IGNORED, "dispute closed with status " + dispute.status());
        }
        Optional<PurchaseReversal> found = disputedPurchase(connection, dispute);
        if (found.isEmpty() || !isFulfilled(found.get().session())) {
            return notFulfilled(dispute.paymentIntent(), found);
        }
        PurchaseReversal before = found.get();
        // Won and lost are final: a second "closed" saying otherwise does not move coins again.
        DisputeStatus next = before.dispute() != null && before.dispute().isClosed() ? before.dispute() : outcome;
        return settle(connection, before, before.amountRefunded(), next, DISPUTE);
    }

    private FulfilmentResult settle(Connection connection, PurchaseReversal before, long amountRefunded,
            DisputeStatus dispute, String reasonToTake) throws SQLException {
        PaymentSession session = before.session();
        long target = dispute == DisputeStatus.OPEN || dispute == DisputeStatus.LOST
                ? session.coinsTotal()
                : refundShare(session, amountRefunded);
        SessionStatus status = amountRefunded >= session.amountCents() || dispute == DisputeStatus.LOST
                ? SessionStatus.REFUNDED
                : SessionStatus.COMPLETED;
        long delta = before.coinsReversed() - target;
        String state = target + " of " + session.coinsTotal() + " coins taken back from " + session.sessionId();
        if (delta == 0 && amountRefunded == before.amountRefunded() && dispute == before.dispute()
                && status == session.status()) {
            return FulfilmentResult.of(Outcome.ALREADY_DONE, "nothing new: " + state);
        }
        sessions.saveReversal(connection, session.sessionId(), amountRefunded, target, dispute, status);
        if (delta == 0) {
            return FulfilmentResult.of(Outcome.UPDATED, refundAndDispute(amountRefunded, dispute) + "; " + state);
        }
        String reason = delta < 0 ? reasonToTake : DISPUTE_WON;
        LedgerEntry entry = ledger.append(connection, session.userId(), delta, reason, session.sessionId());
        if (entry.balanceAfter() < 0) {
            log.warn("user {} owes coins after a {}: balance {}", session.userId(), reason, entry.balanceAfter());
        }
        String moved = delta < 0
                ? "took " + -delta + " coins back from user " + session.userId()
                : "gave " + delta + " coins back to user " + session.userId();
        // "updated", not a label of its own: other code (reconcile) switches exhaustively over Outcome.
        return FulfilmentResult.of(Outcome.UPDATED,
                moved + " (" + reason + ", balance " + entry.balanceAfter() + "); " + state);
    }

    /** The coins that {@code amountRefunded} of the purchase's price pays back, rounded down. */
    static long refundShare(PaymentSession session, long amountRefunded) {
        if (amountRefunded >= session.amountCents()) {
            return session.coinsTotal();
        }
        return Math.multiplyExact(session.coinsTotal(), amountRefunded) / session.amountCents();
    }

    private Optional<PurchaseReversal> disputedPurchase(Connection connection, DisputeData dispute)
            throws SQLException {
        return dispute.paymentIntent() == null
                ? Optional.empty()
                : sessions.findByPaymentIntent(connection, dispute.paymentIntent());
    }

    private static boolean isFulfilled(PaymentSession session) {
        return session.status() == SessionStatus.COMPLETED || session.status() == SessionStatus.REFUNDED;
    }

    private static FulfilmentResult notFulfilled(String paymentIntent, Optional<PurchaseReversal> found) {
        if (paymentIntent == null) {
            return FulfilmentResult.of(Outcome.IGNORED, "no payment intent: not a Checkout purchase");
        }
        return FulfilmentResult.of(Outcome.IGNORED, found
                .map(f -> "session " + f.session().sessionId() + " is " + f.session().status().value()
                        + ": nothing was credited, nothing to take back")
                .orElse("no fulfilled purchase with payment intent " + paymentIntent
                        + ": not ours, or not fulfilled yet"));
    }

    private static DisputeStatus closedOutcome(String stripeStatus) {
        if (stripeStatus == null) {
            return null;
        }
        return switch (stripeStatus) {
            case "won", "warning_closed" -> DisputeStatus.WON;
            case "lost" -> DisputeStatus.LOST;
            default -> null;
        };
    }

    private static String refundAndDispute(long amountRefunded, DisputeStatus dispute) {
        return "amount_refunded " + amountRefunded + (dispute == null ? "" : ", dispute " + dispute.value());
    }
}
