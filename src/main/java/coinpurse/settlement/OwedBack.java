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
 *   refunded = the sum of its refunds (by id) that did not fail or cancel
 *   coins    = some dispute holds the coins (open, or lost) ? coins_total
 *            : refunded ≥ amount ? coins_total : floor(coins_total × refunded / amount)
 *   status   = refunded ≥ amount or a dispute lost ? refunded : completed
 * </pre>
 *
 * Every refund event reads the payment's whole list of refunds from Stripe, and each refund's
 * status only moves forward, so the refunds known here are all of them as of the latest event,
 * whatever order the events came in. The charge's {@code amount_refunded} is not an input: it is
 * that same sum at the moment of its event, already without any refund that had failed then.
 */
public record OwedBack(long amountRefunded, long coins, SessionStatus status, DisputeStatus dispute) {

    public static OwedBack of(PaymentSession session, Facts facts) {
        long refunded = facts.refunds().stream().filter(Refund::stands).mapToLong(Refund::amount).sum();
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
