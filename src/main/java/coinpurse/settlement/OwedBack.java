package coinpurse.settlement;

import coinpurse.purchases.DisputeStatus;
import coinpurse.purchases.PaymentSession;
import coinpurse.purchases.SessionStatus;
import coinpurse.settlement.ReversalRecords.Dispute;
import coinpurse.settlement.ReversalRecords.Facts;
import coinpurse.settlement.ReversalRecords.Refund;

/**
 * What a fulfilled purchase owes back, computed from everything Stripe said about its payment:
 *
 * <pre>
 *   refunded = max(sum of refunds that did not fail or cancel,
 *                  the charge's highest amount_refunded − refunds that failed or were canceled)
 *   coins    = some dispute holds the coins (open, or lost) ? coins_total
 *            : refunded ≥ amount ? coins_total : floor(coins_total × refunded / amount)
 *   status   = refunded ≥ amount or a dispute lost ? refunded : completed
 * </pre>
 *
 * The charge's figure covers refunds whose own events have not arrived; subtracting the failed
 * ones never makes it more than what is really refunded, since a failed refund was counted in
 * amount_refunded only while it stood. Every input only moves forward, so the answer is the same
 * whatever order the events came in.
 */
public record OwedBack(long amountRefunded, long coins, SessionStatus status, DisputeStatus dispute) {

    public static OwedBack of(PaymentSession session, Facts facts) {
        long standing = 0;
        long returnedNothing = 0;
        for (Refund refund : facts.refunds()) {
            if (refund.returnedNothing()) {
                returnedNothing += refund.amount();
            } else {
                standing += refund.amount();
            }
        }
        long fromCharge = facts.charge().map(charge -> charge.amountRefunded()).orElse(0L) - returnedNothing;
        long refunded = Math.max(0, Math.max(standing, fromCharge));
        boolean held = facts.disputes().stream().anyMatch(Dispute::holdsCoins);
        boolean lost = facts.disputes().stream().anyMatch(Dispute::isLost);
        long coins = held ? session.coinsTotal() : refundShare(session, refunded);
        SessionStatus status = refunded >= session.amountCents() || lost ? SessionStatus.REFUNDED : SessionStatus.COMPLETED;
        DisputeStatus dispute = lost ? DisputeStatus.LOST
                : held ? DisputeStatus.OPEN
                : facts.disputes().isEmpty() ? null : DisputeStatus.WON;
        return new OwedBack(refunded, coins, status, dispute);
    }

    /** The coins that {@code amountRefunded} of the purchase's price pays back, rounded down. */
    static long refundShare(PaymentSession session, long amountRefunded) {
        if (amountRefunded >= session.amountCents()) {
            return session.coinsTotal();
        }
        return Math.multiplyExact(session.coinsTotal(), amountRefunded) / session.amountCents();
    }
}
