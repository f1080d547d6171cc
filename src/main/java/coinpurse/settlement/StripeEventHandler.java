package coinpurse.settlement;

import coinpurse.db.Deferred;
import coinpurse.purchases.SessionStatus;
import coinpurse.settlement.FulfilmentResult.Outcome;
import coinpurse.stripe.ChargeData;
import coinpurse.stripe.CheckoutSessionData;
import coinpurse.stripe.DisputeData;
import coinpurse.stripe.FraudWarningData;
import coinpurse.stripe.RefundData;
import coinpurse.stripe.StripeEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * What a verified Stripe event does here, once per event id: the webhook and {@code reconcile}'s
 * replay of missed events both come through {@link EventProcessor}, which first asks Stripe what
 * {@link #stripeAnswersFor} says the event needs, then calls {@link #handleOnce} in one
 * transaction. Checkout events go to {@link Fulfilment}, refunds and disputes to {@link Reversals},
 * early fraud warnings to {@link FraudWarnings}; handling an event and remembering it commit together.
 */
public final class StripeEventHandler {
    private static final List<String> REFUND_TYPES = List.of(
            "charge.refunded", "refund.created", "refund.updated", "refund.failed", "charge.refund.updated");
    private static final List<String> FRAUD_WARNING_TYPES = List.of(
            "radar.early_fraud_warning.created", "radar.early_fraud_warning.updated");

    /** The event types that move coins, a session's status or a record; everything else is acknowledged and ignored. */
    public static final List<String> HANDLED_TYPES = List.of(
            "checkout.session.completed", "checkout.session.async_payment_succeeded",
            "checkout.session.async_payment_failed", "checkout.session.expired",
            "charge.refunded", "refund.created", "refund.updated", "refund.failed", "charge.refund.updated",
            "charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed",
            "charge.dispute.funds_withdrawn", "charge.dispute.funds_reinstated",
            "radar.early_fraud_warning.created", "radar.early_fraud_warning.updated");

    private final ProcessedEvents events;
    private final Fulfilment fulfilment;
    private final Reversals reversals;
    private final FraudWarnings warnings;
    private final StripeCalls stripe;
    private final Optional<Boolean> livemode;

    /** {@code livemode}: the mode of the secret key, whose events alone are handled; empty accepts both. */
    public StripeEventHandler(ProcessedEvents events, Fulfilment fulfilment, Reversals reversals,
            FraudWarnings warnings, StripeCalls stripe, Optional<Boolean> livemode) {
        this.events = events;
        this.fulfilment = fulfilment;
        this.reversals = reversals;
        this.warnings = warnings;
        this.stripe = stripe;
        this.livemode = livemode;
    }

    /** True for an event that asks Stripe's API before its transaction (a refund, a fraud warning of our mode). */
    public boolean needsStripe(StripeEvent event) {
        return foreignMode(event).isEmpty()
                && (REFUND_TYPES.contains(event.type()) && event.paymentIntent() != null
                        || FRAUD_WARNING_TYPES.contains(event.type()));
    }

    /**
     * Asks Stripe what the event needs, outside any transaction: a refund event reads the payment's
     * refunds, a fraud warning may refund the payment (not in a {@code dryRun}).
     *
     * @throws coinpurse.stripe.StripeFailureException Stripe did not answer, or no key is configured
     */
    public StripeAnswers stripeAnswersFor(StripeEvent event, boolean dryRun) {
        if (!needsStripe(event)) {
            return StripeAnswers.NONE;
        }
        if (REFUND_TYPES.contains(event.type())) {
            return stripe.refundsOf(event.paymentIntent());
        }
        return stripe.fraudRefund(FraudWarningData.fromJson(event.object()), dryRun);
    }

    /** Handles the event unless it was handled before, and remembers what it did. */
    public FulfilmentResult handleOnce(Connection connection, StripeEvent event, StripeAnswers answers)
            throws SQLException {
        return handleOnceLater(connection, event, answers).get();
    }

    /**
     * As {@link #handleOnce}, but what it did is told by {@link Handled#get} once the transaction
     * committed: the record of the event goes with the COMMIT, in one round trip on PostgreSQL.
     */
    public Handled handleOnceLater(Connection connection, StripeEvent event, StripeAnswers answers)
            throws SQLException {
        if (events.isDone(connection, event.id())) {
            return () -> FulfilmentResult.of(Outcome.ALREADY_DONE, "event delivered before");
        }
        // The same event handled at once elsewhere (another instance) meets the same payment and
        // session locks here, so one of the two finds the work done; the first record stands.
        FulfilmentResult result = handle(connection, event, answers);
        Deferred.Later<Boolean> recorded = events.record(connection, event.id(), event.type(), event.sessionId(),
                event.paymentIntent(), result);
        return () -> recorded.get()
                ? result
                : FulfilmentResult.of(Outcome.ALREADY_DONE, "event handled at the same time elsewhere");
    }

    /** What handling an event did, known once its record was sent. */
    @FunctionalInterface
    public interface Handled {
        FulfilmentResult get() throws SQLException;
    }

    /** True when this event was handled before (by the webhook or an earlier replay) and needs nothing more. */
    public boolean wasHandled(Connection connection, String eventId) throws SQLException {
        return events.isDone(connection, eventId);
    }

    private Optional<String> foreignMode(StripeEvent event) {
        if (livemode.isPresent() && event.livemode() != null && !livemode.get().equals(event.livemode())) {
            return Optional.of((event.livemode() ? "a live-mode" : "a test-mode")
                    + " event, and this server's Stripe key is " + (livemode.get() ? "live" : "test"));
        }
        return Optional.empty();
    }

    private FulfilmentResult handle(Connection connection, StripeEvent event, StripeAnswers answers)
            throws SQLException {
        Optional<String> foreign = foreignMode(event);
        if (foreign.isPresent()) {
            return FulfilmentResult.of(Outcome.IGNORED, foreign.get());
        }
        return switch (event.type()) {
            case "checkout.session.completed" -> {
                CheckoutSessionData session = CheckoutSessionData.fromJson(event.object());
                yield session.isPaid()
                        ? fulfilment.fulfil(connection, session)
                        : fulfilment.record(connection, session);
            }
            case "checkout.session.async_payment_succeeded" ->
                    fulfilment.fulfil(connection, CheckoutSessionData.fromJson(event.object()));
            case "checkout.session.async_payment_failed" ->
                    fulfilment.close(connection, CheckoutSessionData.fromJson(event.object()), SessionStatus.FAILED);
            case "checkout.session.expired" ->
                    fulfilment.close(connection, CheckoutSessionData.fromJson(event.object()), SessionStatus.EXPIRED);
            case "charge.refunded" -> reversals.chargeRefunded(connection, ChargeData.fromJson(event.object()),
                    listed(event, answers));
            case "refund.created", "refund.updated", "refund.failed", "charge.refund.updated" ->
                    reversals.refundChanged(connection, RefundData.fromJson(event.object()), listed(event, answers));
            case "charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed",
                    "charge.dispute.funds_withdrawn" ->
                    reversals.disputeChanged(connection, DisputeData.fromJson(event.object()), false);
            case "charge.dispute.funds_reinstated" ->
                    reversals.disputeChanged(connection, DisputeData.fromJson(event.object()), true);
            case "radar.early_fraud_warning.created", "radar.early_fraud_warning.updated" ->
                    warnings.record(connection, FraudWarningData.fromJson(event.object()),
                            answers.fraudRefund().orElseThrow(() -> missing(event)));
            default -> FulfilmentResult.of(Outcome.IGNORED, "event type not handled");
        };
    }

    /** The refunds Stripe listed for a refund event of a payment (none for an event without one, which is ignored). */
    private static List<RefundData> listed(StripeEvent event, StripeAnswers answers) {
        return event.paymentIntent() == null ? List.of() : answers.refunds().orElseThrow(() -> missing(event));
    }

    private static IllegalStateException missing(StripeEvent event) {
        return new IllegalStateException("event " + event.id() + " was handled without asking Stripe first");
    }
}
