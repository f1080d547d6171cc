package coinpurse.settlement;

import coinpurse.purchases.SessionStatus;
import coinpurse.settlement.FulfilmentResult.Outcome;
import coinpurse.stripe.ChargeData;
import coinpurse.stripe.CheckoutSessionData;
import coinpurse.stripe.DisputeData;
import coinpurse.stripe.RefundData;
import coinpurse.stripe.StripeEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * What a verified Stripe event does here, once per event id: the webhook and {@code reconcile}'s
 * replay of missed events both come through {@link #handleOnce}. Checkout events go to
 * {@link Fulfilment}, refunds and disputes to {@link Reversals}; handling an event and remembering
 * it happen in the caller's one transaction.
 */
public final class StripeEventHandler {
    /** The event types that move coins or a session's status; everything else is acknowledged and ignored. */
    public static final List<String> HANDLED_TYPES = List.of(
            "checkout.session.completed", "checkout.session.async_payment_succeeded",
            "checkout.session.async_payment_failed", "checkout.session.expired",
            "charge.refunded", "refund.created", "refund.updated", "refund.failed", "charge.refund.updated",
            "charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed",
            "charge.dispute.funds_withdrawn", "charge.dispute.funds_reinstated");

    private final ProcessedEvents events;
    private final Fulfilment fulfilment;
    private final Reversals reversals;
    private final Optional<Boolean> livemode;

    /** {@code livemode}: the mode of the secret key, whose events alone are handled; empty accepts both. */
    public StripeEventHandler(ProcessedEvents events, Fulfilment fulfilment, Reversals reversals,
            Optional<Boolean> livemode) {
        this.events = events;
        this.fulfilment = fulfilment;
        this.reversals = reversals;
        this.livemode = livemode;
    }

    /** Handles the event unless it was handled before, and remembers what it did. */
    public FulfilmentResult handleOnce(Connection connection, StripeEvent event) throws SQLException {
        if (events.contains(connection, event.id())) {
            return FulfilmentResult.of(Outcome.ALREADY_DONE, "event delivered before");
        }
        // The same event handled at once elsewhere (another instance) meets the same payment and
        // session locks here, so one of the two finds the work done; the first record stands.
        FulfilmentResult result = handle(connection, event);
        return events.record(connection, event.id(), event.type(), event.sessionId(), result)
                ? result
                : FulfilmentResult.of(Outcome.ALREADY_DONE, "event handled at the same time elsewhere");
    }

    /** True when this event was handled before (by the webhook or an earlier replay). */
    public boolean wasHandled(Connection connection, String eventId) throws SQLException {
        return events.contains(connection, eventId);
    }

    private FulfilmentResult handle(Connection connection, StripeEvent event) throws SQLException {
        if (livemode.isPresent() && event.livemode() != null && !livemode.get().equals(event.livemode())) {
            return FulfilmentResult.of(Outcome.IGNORED, (event.livemode() ? "a live-mode" : "a test-mode")
                    + " event, and this server's Stripe key is " + (livemode.get() ? "live" : "test"));
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
            case "charge.refunded" -> reversals.chargeRefunded(connection, ChargeData.fromJson(event.object()));
            case "refund.created", "refund.updated", "refund.failed", "charge.refund.updated" ->
                    reversals.refundChanged(connection, RefundData.fromJson(event.object()));
            case "charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed",
                    "charge.dispute.funds_withdrawn" ->
                    reversals.disputeChanged(connection, DisputeData.fromJson(event.object()), false);
            case "charge.dispute.funds_reinstated" ->
                    reversals.disputeChanged(connection, DisputeData.fromJson(event.object()), true);
            default -> FulfilmentResult.of(Outcome.IGNORED, "event type not handled");
        };
    }
}
