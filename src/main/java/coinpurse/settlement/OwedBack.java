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
 *   paid     = the same for the purchase's paid coins alone (the rest of coins is its bonus)
 *   status   = refunded ≥ amount or a dispute lost ? refunded : completed
 * </pre>
 *
 * Every refund event reads the payment's whole list of refunds from Stripe, and each refund's
 * status only moves forward, so the refunds known here are all of them as of the latest event,
 * whatever order the events came in. The charge's {@code amount_refunded} is not an input: it is
 * that same sum at the moment of its event, already without any refund that had failed then.
 */
public record OwedBack(long amountRefunded, long coins, long paidCoins, SessionStatus status, DisputeStatus dispute) {

    public static OwedBack of(PaymentSession session, Facts facts) {
        long refunded = facts.refunds().stream().filter(Refund::stands).mapToLong(Refund::amount).sum();
        boolean held = facts.disputes().stream().anyMatch(Dispute::holdsCoins);
        boolean lost = facts.disputes().stream().anyMatch(Dispute::isLost);
        long coins = held ? session.coinsTotal() : share(session.coinsTotal(), refunded, session.amountCents());
        long paidCoins = held ? session.coins() : share(session.coins(), refunded, session.amountCents());
        SessionStatus status = refunded >= session.amountCents() || lost ? SessionStatus.REFUNDED : SessionStatus.COMPLETED;
        DisputeStatus dispute = lost ? DisputeStatus.LOST
                : held ? DisputeStatus.OPEN
                : facts.disputes().isEmpty() ? null : DisputeStatus.WON;
        return new OwedBack(refunded, coins, paidCoins, status, dispute);
    }

    /** True when an open or lost dispute holds the purchase's money (and every coin). */
    public boolean disputed() {
        return dispute == DisputeStatus.OPEN || dispute == DisputeStatus.LOST;
    }

    /** The share of {@code coins} that {@code refunded} of {@code amount} cents pays back, rounded down. */
    static long share(long coins, long refunded, long amount) {
        if (refunded >= amount) {
            return coins;
        }
        return Math.multiplyExact(coins, refunded) / amount;
    }
}
