package coinpurse.sandbox;

import coinpurse.catalog.CoinPackage;
import coinpurse.stripe.NewCheckoutSession;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Stripe's side of the sandbox, in memory: Checkout Sessions, the payment of each paid one (its
 * payment intent and charge), the charge's refunds and disputes, and every event sent. Each change
 * is one Stripe would make, refused where Stripe refuses it, and returns the events Stripe sends for
 * it, in Stripe's order. One lock keeps a change and its events together; the objects handed out
 * are immutable snapshots.
 */
final class SandboxStripe {
    private static final Duration SESSION_LIFETIME = Duration.ofHours(24);

    private final Clock clock;
    private final Map<String, SandboxSession> sessions = new LinkedHashMap<>();
    private final Map<String, SandboxPayment> payments = new HashMap<>();
    /** A fraud refund's idempotency key → its refund id: the same key again refunds nothing more. */
    private final Map<String, String> refundsByKey = new HashMap<>();
    private final List<SandboxEvent> events = new ArrayList<>();

    /** A refund made, and the events it sent (none when an idempotency key answered an earlier refund). */
    record Refunded(SandboxRefund refund, List<SandboxEvent> events) {}

    SandboxStripe(Clock clock) {
        this.clock = clock;
    }

    /** A new open session for {@code request}, paid on the page at {@code pagesBase + /sandbox/checkout/{id}}. */
    synchronized SandboxSession create(NewCheckoutSession request, String pagesBase) {
        CoinPackage pack = request.coinPackage();
        String id = newId("cs");
        Instant now = clock.instant();
        SandboxSession session = new SandboxSession(id, now, now.plus(SESSION_LIFETIME), request.userId(), pack,
                pack.priceCents(), pack.currency().toLowerCase(Locale.ROOT), request.metadata(), request.successUrl(),
                request.cancelUrl(), pagesBase + "/sandbox/checkout/" + id, SandboxSession.OPEN, "unpaid", null);
        sessions.put(id, session);
        return session;
    }

    synchronized Optional<SandboxSession> session(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    synchronized Optional<SandboxPayment> payment(String paymentIntent) {
        return Optional.ofNullable(payments.get(paymentIntent));
    }

    /** Pays an open session with a test card: {@code checkout.session.completed}, paid, with its payment intent. */
    synchronized List<SandboxEvent> pay(String sessionId, String cardNumber) {
        SandboxSession session = existing(sessionId);
        if (!session.isOpen()) {
            throw new SandboxConflictException("session_not_open", "This Checkout Session is " + session.status()
                    + ": it can no longer be paid.");
        }
        TestCards.charge(cardNumber);
        SandboxPayment payment = new SandboxPayment(newId("pi"), newId("ch"), sessionId, session.amount(),
                session.currency(), clock.instant(), session.metadata(), List.of(), List.of());
        payments.put(payment.paymentIntent(), payment);
        SandboxSession paid = session.paidBy(payment.paymentIntent());
        sessions.put(sessionId, paid);
        return List.of(event("checkout.session.completed", sessionId, StripeShapes.session(paid)));
    }

    /** Closes an open session, as Stripe's expire call does: {@code checkout.session.expired}. */
    synchronized List<SandboxEvent> expire(String sessionId) {
        SandboxSession session = existing(sessionId);
        if (!session.isOpen()) {
            throw new SandboxConflictException("session_not_open", "Only an open Checkout Session can be expired;"
                    + " this one is " + session.status() + ".");
        }
        SandboxSession expired = session.expired();
        sessions.put(sessionId, expired);
        return List.of(event("checkout.session.expired", sessionId, StripeShapes.session(expired)));
    }

    /** Refunds {@code amount} of a paid session (all that is left when null). */
    synchronized List<SandboxEvent> refund(String sessionId, Long amount) {
        SandboxPayment payment = paymentOf(sessionId);
        refusePaymentRefund(payment);
        long value = amount == null ? payment.refundable() : amount;
        if (value > payment.refundable()) {
            throw new SandboxConflictException("amount_too_large", "Refund amount (" + value + ") is greater than"
                    + " what is left to refund on this charge (" + payment.refundable() + ").");
        }
        return refund(payment, value, "requested_by_customer").events();
    }

    /**
     * Refunds what is left of {@code paymentIntent}'s payment for fraud, once per {@code idempotencyKey}.
     * Returns the refund and the events it made (none when the key was seen before).
     */
    synchronized Refunded refundRest(String paymentIntent, String idempotencyKey) {
        SandboxPayment payment = Optional.ofNullable(payments.get(paymentIntent)).orElseThrow(() ->
                new SandboxConflictException("resource_missing", "No such payment_intent: '" + paymentIntent + "'"));
        String earlier = refundsByKey.get(idempotencyKey);
        if (earlier != null) {
            return new Refunded(payment.refunds().stream().filter(r -> r.id().equals(earlier)).findFirst()
                    .orElseThrow(), List.of());
        }
        refusePaymentRefund(payment);
        Refunded refunded = refund(payment, payment.refundable(), "fraudulent");
        refundsByKey.put(idempotencyKey, refunded.refund().id());
        return refunded;
    }

    /** Opens a dispute on a paid session: {@code charge.dispute.created}, then {@code charge.dispute.funds_withdrawn}. */
    synchronized List<SandboxEvent> openDispute(String sessionId) {
        SandboxPayment payment = paymentOf(sessionId);
        if (payment.openDispute().isPresent()) {
            throw new SandboxConflictException("dispute_open", "This charge already has an open dispute: win or"
                    + " lose it first.");
        }
        if (payment.lostDispute()) {
            throw new SandboxConflictException("charge_disputed", "This charge lost a dispute: its money is gone.");
        }
        if (payment.refunded()) {
            throw new SandboxConflictException("charge_already_refunded", "This charge is fully refunded: there is"
                    + " nothing left to dispute.");
        }
        SandboxDispute dispute = new SandboxDispute(newId("dp"), payment.refundable(), clock.instant(),
                SandboxDispute.NEEDS_RESPONSE);
        SandboxPayment disputed = save(payment.with(dispute));
        ObjectNode object = StripeShapes.dispute(disputed, dispute);
        return List.of(event("charge.dispute.created", sessionId, object),
                event("charge.dispute.funds_withdrawn", sessionId, object));
    }

    /**
     * Closes the open dispute of a paid session: won, {@code charge.dispute.closed} then
     * {@code charge.dispute.funds_reinstated}; lost, {@code charge.dispute.closed}.
     */
    synchronized List<SandboxEvent> closeDispute(String sessionId, boolean won) {
        SandboxPayment payment = paymentOf(sessionId);
        SandboxDispute dispute = payment.openDispute().orElseThrow(() -> new SandboxConflictException(
                "no_open_dispute", "This charge has no open dispute to close."))
                .closed(won);
        SandboxPayment closed = save(payment.with(dispute));
        ObjectNode object = StripeShapes.dispute(closed, dispute);
        return won
                ? List.of(event("charge.dispute.closed", sessionId, object),
                        event("charge.dispute.funds_reinstated", sessionId, object))
                : List.of(event("charge.dispute.closed", sessionId, object));
    }

    /** Sessions created at or after {@code since}, newest first. */
    synchronized List<SandboxSession> sessionsSince(Instant since) {
        return sessions.values().stream()
                .filter(session -> !session.created().isBefore(since))
                .sorted(Comparator.comparing(SandboxSession::created).reversed())
                .toList();
    }

    /** Events of {@code types} created at or after {@code since}, newest first. */
    synchronized List<SandboxEvent> eventsSince(Instant since, Collection<String> types) {
        List<SandboxEvent> found = new ArrayList<>();
        for (int i = events.size() - 1; i >= 0; i--) {
            SandboxEvent event = events.get(i);
            if (!event.created().isBefore(since) && types.contains(event.type())) {
                found.add(event);
            }
        }
        return found;
    }

    /** The events about {@code sessionId} and its payment, oldest first. */
    synchronized List<SandboxEvent> eventsOf(String sessionId) {
        return events.stream().filter(event -> event.sessionId().equals(sessionId)).toList();
    }

    private Refunded refund(SandboxPayment payment, long amount, String reason) {
        if (amount <= 0) {
            throw new SandboxConflictException("amount_too_small", "A refund must be at least 1 (in cents).");
        }
        // A test-mode refund of a card payment succeeds at once.
        SandboxRefund refund = new SandboxRefund(newId("re"), amount, clock.instant(), reason,
                SandboxRefund.SUCCEEDED);
        SandboxPayment refunded = save(payment.with(refund));
        return new Refunded(refund, List.of(
                event("charge.refunded", payment.sessionId(), StripeShapes.charge(refunded)),
                event("refund.created", payment.sessionId(), StripeShapes.refund(refunded, refund))));
    }

    private static void refusePaymentRefund(SandboxPayment payment) {
        if (payment.openDispute().isPresent() || payment.lostDispute()) {
            throw new SandboxConflictException("charge_disputed", "This charge is disputed: Stripe refuses to"
                    + " refund it" + (payment.lostDispute() ? " (the dispute was lost)." : " while the dispute is open."));
        }
        if (payment.refunded()) {
            throw new SandboxConflictException("charge_already_refunded", "This charge is already fully refunded.");
        }
    }

    private SandboxSession existing(String sessionId) {
        SandboxSession session = sessions.get(sessionId);
        if (session == null) {
            throw new SandboxConflictException("resource_missing", "No such checkout.session: '" + sessionId + "'");
        }
        return session;
    }

    private SandboxPayment paymentOf(String sessionId) {
        SandboxSession session = existing(sessionId);
        if (!session.isPaid()) {
            throw new SandboxConflictException("not_paid", "This Checkout Session is not paid: pay it first.");
        }
        return payments.get(session.paymentIntent());
    }

    private SandboxPayment save(SandboxPayment payment) {
        payments.put(payment.paymentIntent(), payment);
        return payment;
    }

    private SandboxEvent event(String type, String sessionId, ObjectNode object) {
        String id = newId("evt");
        Instant now = clock.instant();
        SandboxEvent event = new SandboxEvent(id, type, sessionId, now, StripeShapes.event(id, type, now, object));
        events.add(event);
        return event;
    }

    /** {@code prefix_sandbox_…}: Stripe's prefix for the kind of object, and a mark of where it comes from. */
    private static String newId(String prefix) {
        return prefix + "_sandbox_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }
}
