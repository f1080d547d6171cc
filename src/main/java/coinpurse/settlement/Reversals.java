package coinpurse.settlement;

import coinpurse.db.Deferred;
import coinpurse.purchases.DisputeStatus;
import coinpurse.purchases.PaymentSession;
import coinpurse.purchases.PaymentSessions;
import coinpurse.purchases.PurchaseReversal;
import coinpurse.purchases.SessionStatus;
import coinpurse.settlement.FulfilmentResult.Outcome;
import coinpurse.stripe.ChargeData;
import coinpurse.stripe.DisputeData;
import coinpurse.stripe.RefundData;
import coinpurse.events.EventType;
import coinpurse.events.Outbox;
import coinpurse.wallet.CoinBook;
import coinpurse.wallet.LedgerEntry;
import coinpurse.wallet.Reasons;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a purchase's coins back when Stripe refunds or disputes its payment, and gives them
 * back when a refund fails or a dispute is won. Every method runs
 * on the caller's write transaction, like {@link Fulfilment}.
 *
 * <p>Each refund, dispute or charge event is first kept in {@link ReversalRecords} by payment
 * intent, whether or not its purchase is fulfilled yet. Then {@link #settle} compares what the
 * purchase owes back ({@link OwedBack}, from everything kept) with the coins already taken back,
 * and appends one ledger row of the difference. Fulfilment calls {@link #settle} too, right after
 * crediting, so a refund that came first is applied in the same transaction. The same event
 * twice, events in any order or at once end at the same balance. The balance may go below zero.
 */
public final class Reversals {
    private static final Logger log = LoggerFactory.getLogger(Reversals.class);

    /** What kind of news led to a settlement: it names the ledger row when coins come back. */
    public enum Cause { REFUND, DISPUTE, FULFILMENT }

    private final PaymentSessions sessions;
    private final ReversalRecords records;
    private final CoinBook coinBook;
    private final Outbox outbox;

    public Reversals(PaymentSessions sessions, ReversalRecords records, CoinBook coinBook, Outbox outbox) {
        this.sessions = sessions;
        this.records = records;
        this.coinBook = coinBook;
        this.outbox = outbox;
    }

    /**
     * {@code charge.refunded}: keeps the charge's amount and currency and the payment's refunds as
     * Stripe {@code listed} them while this event was handled, then settles.
     */
    public FulfilmentResult chargeRefunded(Connection connection, ChargeData charge, List<RefundData> listed)
            throws SQLException {
        if (charge.paymentIntent() == null) {
            return FulfilmentResult.of(Outcome.IGNORED, "charge without a payment intent: not a Checkout purchase");
        }
        if (charge.amount() == null || charge.amount() <= 0 || charge.amountRefunded() == null
                || charge.amountRefunded() < 0 || charge.currency() == null) {
            return FulfilmentResult.of(Outcome.REJECTED, "charge without a usable amount, amount_refunded and currency");
        }
        sessions.lockPayment(connection, charge.paymentIntent());
        lockBuyer(connection, charge.paymentIntent());
        records.saveCharge(connection, charge.paymentIntent(), charge.id(), charge.amount(), charge.currency(),
                charge.amountRefunded());
        records.saveListedRefunds(connection, charge.paymentIntent(), listed);
        return settle(connection, charge.paymentIntent(), Cause.REFUND);
    }

    /**
     * {@code refund.*} and {@code charge.refund.updated}: keeps the refund and the payment's refunds
     * as Stripe {@code listed} them while this event was handled, then settles.
     */
    public FulfilmentResult refundChanged(Connection connection, RefundData refund, List<RefundData> listed)
            throws SQLException {
        if (refund.paymentIntent() == null) {
            return FulfilmentResult.of(Outcome.IGNORED, "refund without a payment intent: not a Checkout purchase");
        }
        if (!ReversalRecords.isUsable(refund)) {
            return FulfilmentResult.of(Outcome.REJECTED, "refund without a usable id, amount and status");
        }
        sessions.lockPayment(connection, refund.paymentIntent());
        lockBuyer(connection, refund.paymentIntent());
        records.saveListedRefunds(connection, refund.paymentIntent(), listed);
        records.saveRefund(connection, refund.id(), refund.paymentIntent(), refund.amount(), refund.currency(),
                refund.status());
        return settle(connection, refund.paymentIntent(), Cause.REFUND);
    }

    /**
     * {@code charge.dispute.*}: keeps the dispute's status ({@code fundsReinstated} for
     * {@code charge.dispute.funds_reinstated}), then settles.
     */
    public FulfilmentResult disputeChanged(Connection connection, DisputeData dispute, boolean fundsReinstated)
            throws SQLException {
        if (dispute.paymentIntent() == null) {
            return FulfilmentResult.of(Outcome.IGNORED, "dispute without a payment intent: not a Checkout purchase");
        }
        if (dispute.id() == null || dispute.status() == null) {
            return FulfilmentResult.of(Outcome.REJECTED, "dispute without an id and a status");
        }
        sessions.lockPayment(connection, dispute.paymentIntent());
        lockBuyer(connection, dispute.paymentIntent());
        records.saveDispute(connection, dispute.id(), dispute.paymentIntent(), dispute.status(), dispute.created(),
                fundsReinstated);
        return settle(connection, dispute.paymentIntent(), Cause.DISPUTE);
    }

    /**
     * {@link #settle} for a purchase fulfilled just now: usually nothing is kept for its payment,
     * which one read tells.
     */
    public FulfilmentResult settleFulfilled(Connection connection, String paymentIntent,
            Deferred.Later<Boolean> anyKept) throws SQLException {
        if (!anyKept.get()) {
            return FulfilmentResult.of(Outcome.ALREADY_DONE, "no refund or dispute kept for " + paymentIntent);
        }
        return settle(connection, paymentIntent, Cause.FULFILMENT);
    }

    /**
     * Whether anything about {@code paymentIntent}'s refunds and disputes is kept, for {@link
     * #settleFulfilled}: asked early (under the payment's lock), its answer read when needed.
     */
    public Deferred.Later<Boolean> anyKept(Connection connection, String paymentIntent) throws SQLException {
        return records.anyFor(connection, paymentIntent);
    }

    /**
     * The buyer's lock, before the first write of a transaction that may take or give back their
     * coins (see Ledger#lockUser); none while no purchase here carries the payment intent.
     */
    private void lockBuyer(Connection connection, String paymentIntent) throws SQLException {
        Optional<PaymentSession> purchase = sessions.findPurchase(connection, paymentIntent);
        if (purchase.isPresent()) {
            coinBook.lockUser(connection, purchase.get().userId());
        }
    }

    /** The purchase's {@code purchase.updated} event: completed again (coins, balance) or refunded. */
    private void announce(Connection connection, PaymentSession session, SessionStatus status) throws SQLException {
        PurchaseStatusData data = status == SessionStatus.COMPLETED
                ? new PurchaseStatusData(session.sessionId(), status.value(), session.coinsTotal(),
                        coinBook.balanceNow(connection, session.userId()))
                : new PurchaseStatusData(session.sessionId(), status.value(), null, null);
        outbox.record(connection, session.userId(), EventType.PURCHASE_UPDATED, data);
    }

    /**
     * Brings the fulfilled purchase paid by {@code paymentIntent} in line with what is kept about
     * its refunds and disputes: one ledger row of the difference, if any. Without a fulfilled
     * purchase nothing moves; what is kept waits for it.
     */
    public FulfilmentResult settle(Connection connection, String paymentIntent, Cause cause) throws SQLException {
        Optional<PurchaseReversal> found = sessions.findByPaymentIntent(connection, paymentIntent);
        if (found.isEmpty() || !found.get().session().status().isFulfilled()) {
            return FulfilmentResult.of(Outcome.KEPT, found
                    .map(f -> "session " + f.session().sessionId() + " is " + f.session().status().value()
                            + ": kept for when it is fulfilled")
                    .orElse("no fulfilled purchase with payment intent " + paymentIntent
                            + " here: kept for when one is (or not ours)"));
        }
        PurchaseReversal before = found.get();
        PaymentSession session = before.session();
        ReversalRecords.Facts facts = records.factsOf(connection, paymentIntent);
        Optional<String> mismatch = facts.charge()
                .filter(charge -> charge.amount() != session.amountCents()
                        || !session.currency().equalsIgnoreCase(charge.currency()))
                .map(charge -> "charge of " + charge.amount() + " " + charge.currency() + " but session "
                        + session.sessionId() + " was for " + session.amountCents() + " " + session.currency());
        if (mismatch.isPresent()) {
            log.error("not moving coins: {}", mismatch.get());
            return FulfilmentResult.of(Outcome.REJECTED, mismatch.get());
        }
        OwedBack owed = OwedBack.of(session, facts);
        long delta = before.coinsReversed() - owed.coins();
        String state = owed.coins() + " of " + session.coinsTotal() + " coins taken back from " + session.sessionId();
        if (delta == 0 && owed.amountRefunded() == before.amountRefunded() && owed.dispute() == before.dispute()
                && owed.status() == session.status()) {
            return FulfilmentResult.of(Outcome.ALREADY_DONE, "nothing new: " + state);
        }
        boolean disputedBefore = before.dispute() == DisputeStatus.OPEN || before.dispute() == DisputeStatus.LOST;
        if (owed.amountRefunded() != before.amountRefunded() || owed.disputed() != disputedBefore) {
            sessions.recordMoney(connection, session.sessionId(), owed.amountRefunded(), owed.disputed());
        }
        if (delta == 0) {
            sessions.saveReversal(connection, session.sessionId(), owed.amountRefunded(), owed.coins(),
                    before.paidReversed(), owed.dispute(), owed.status());
            if (owed.status() != session.status()) {
                coinBook.open(connection, session.userId());
                announce(connection, session, owed.status());
            }
            return FulfilmentResult.of(Outcome.UPDATED, "amount_refunded " + owed.amountRefunded()
                    + (owed.dispute() == null ? "" : ", dispute " + owed.dispute().value()) + "; " + state);
        }
        // The paid part follows the purchase's paid share in all; when rounding moves the two parts
        // apart by a coin, a row's part is kept within what the row moves.
        long coins = Math.abs(delta);
        long paidMove = delta < 0 ? owed.paidCoins() - before.paidReversed() : before.paidReversed() - owed.paidCoins();
        long paidPart = Math.max(0, Math.min(coins, paidMove));
        long paidReversed = before.paidReversed() + (delta < 0 ? paidPart : -paidPart);
        sessions.saveReversal(connection, session.sessionId(), owed.amountRefunded(), owed.coins(), paidReversed,
                owed.dispute(), owed.status());
        String reason = delta < 0
                ? (owed.disputed() ? Reasons.DISPUTE : Reasons.REFUND)
                : (cause == Cause.DISPUTE ? Reasons.DISPUTE_WON : Reasons.REFUND_REVERSED);
        LedgerEntry entry = delta < 0
                ? coinBook.takeBack(connection, session.userId(), session.sessionId(), paidPart, coins - paidPart, reason)
                : coinBook.giveBack(connection, session.userId(), session.sessionId(), paidPart, coins - paidPart,
                        reason).get(0);
        if (owed.status() != session.status()) {
            announce(connection, session, owed.status());
        }
        if (entry.balanceAfter() < 0) {
            log.warn("user {} owes coins after a {}: balance {}", session.userId(), reason, entry.balanceAfter());
        }
        String moved = delta < 0
                ? "took " + -delta + " coins back from user " + session.userId()
                : "gave " + delta + " coins back to user " + session.userId();
        return new FulfilmentResult(Outcome.UPDATED,
                moved + " (" + reason + ", balance " + entry.balanceAfter() + "); " + state,
                new FulfilmentResult.Moved(0, reason, delta));
    }
}
