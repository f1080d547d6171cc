package coinpurse.settlement;

import coinpurse.db.Database;
import coinpurse.purchases.PaymentSession;
import coinpurse.purchases.PaymentSessions;
import coinpurse.purchases.SessionStatus;
import coinpurse.settlement.FulfilmentResult.Outcome;
import coinpurse.stripe.CheckoutSessionData;
import coinpurse.stripe.StripeEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Brings local state in line with what Stripe's API says, for the webhooks that never arrived.
 * Missed events are replayed through {@link EventProcessor}, exactly as the webhook handles
 * them and at most once per event id. Then, per session: a paid session not yet completed here is fulfilled through {@link Fulfilment}
 * (the webhook's own function, so it is recorded if unknown, amount-checked, and credited once),
 * and an expired one still pending here is closed as expired. Nothing else is touched.
 *
 * <p>A cheap read of the local row skips the sessions that need nothing; the others are acted on
 * in a write transaction, where {@link Fulfilment} decides again, so a webhook or the status
 * route acting on the same session at the same time simply wins and the session counts as
 * unchanged. A dry run does exactly the same work and rolls it back, so what it predicts is
 * what a real run would do.
 */
public final class Reconciler {

    /**
     * {@code IGNORED}: a paid session that is none of this deployment's (another app's checkout on
     * the account, a {@code stripe trigger}, another deployment's), the word the webhook logs for it.
     */
    public enum Action { CREDITED, EXPIRED, REJECTED, IGNORED, UNCHANGED }

    /**
     * What happened (or, in a dry run, would happen) to one session. {@code userId} and
     * {@code coins} are set for a credit; {@code detail} says why for a rejection or no change.
     */
    public record Change(Action action, String sessionId, String userId, long coins, String detail) {
        static Change credited(String sessionId, String userId, long coins) {
            return new Change(Action.CREDITED, sessionId, userId, coins, null);
        }

        static Change of(Action action, String sessionId, String detail) {
            return new Change(action, sessionId, null, 0, detail);
        }
    }

    /** The counts of one run. */
    public record Summary(int checked, int credited, int expired, int rejected, int ignored, int unchanged) {
        Summary plus(Action action) {
            return new Summary(checked + 1,
                    credited + (action == Action.CREDITED ? 1 : 0),
                    expired + (action == Action.EXPIRED ? 1 : 0),
                    rejected + (action == Action.REJECTED ? 1 : 0),
                    ignored + (action == Action.IGNORED ? 1 : 0),
                    unchanged + (action == Action.UNCHANGED ? 1 : 0));
        }
    }

    /** One missed event that was (or, in a dry run, would be) applied, and what it did. */
    public record Replayed(String eventId, String type, FulfilmentResult result) {}

    /** The counts of one replay: events listed by Stripe, of them replayed now, and handled before. */
    public record EventSummary(int listed, int replayed, int handledBefore) {}

    private final Database db;
    private final PaymentSessions sessions;
    private final Fulfilment fulfilment;
    private final EventProcessor events;

    public Reconciler(Database db, PaymentSessions sessions, Fulfilment fulfilment, EventProcessor events) {
        this.db = db;
        this.sessions = sessions;
        this.fulfilment = fulfilment;
        this.events = events;
    }

    /**
     * Applies each event of {@code fromStripe} that was never handled here, each in its own
     * transaction (committed, or rolled back in a dry run) through the webhook's own handler,
     * telling {@code onEach} about each one applied. Running it again changes nothing.
     */
    public EventSummary replay(Iterable<StripeEvent> fromStripe, boolean dryRun, Consumer<Replayed> onEach) {
        int listed = 0;
        int replayed = 0;
        for (StripeEvent event : fromStripe) {
            listed++;
            if (events.isDone(event.id())) {
                continue;
            }
            FulfilmentResult result = dryRun ? events.dryRun(event) : events.process(event);
            replayed++;
            onEach.accept(new Replayed(event.id(), event.type(), result));
        }
        return new EventSummary(listed, replayed, listed - replayed);
    }

    /**
     * Reconciles every session of {@code fromStripe}, telling {@code onEach} about each one as
     * soon as it is done (committed), so that an interrupted run has reported what it did.
     */
    public Summary reconcile(Iterable<CheckoutSessionData> fromStripe, boolean dryRun, Consumer<Change> onEach) {
        Summary summary = new Summary(0, 0, 0, 0, 0, 0);
        for (CheckoutSessionData session : fromStripe) {
            Optional<Change> skipped = skipped(session);
            Change change;
            if (skipped.isPresent()) {
                change = skipped.get();
            } else if (dryRun) {
                change = db.inRolledBackTransaction(connection -> act(connection, session));
            } else {
                change = db.inTransaction(connection -> act(connection, session));
            }
            onEach.accept(change);
            summary = summary.plus(change.action());
        }
        return summary;
    }

    /**
     * This session as one that needs no write, judged from the local row: ignored when it is paid,
     * unknown here and none of this deployment's (as the webhook says it), else unchanged with why;
     * empty when it may need a write.
     */
    private Optional<Change> skipped(CheckoutSessionData stripe) {
        Optional<PaymentSession> local = db.read(connection -> sessions.find(connection, stripe.id()));
        Optional<String> notOurs = fulfilment.notThisDeployments(stripe);
        if (stripe.isPaid() && local.isEmpty() && notOurs.isPresent()) {
            return Optional.of(Change.of(Action.IGNORED, stripe.id(), notOurs.get()));
        }
        return nothingToDo(stripe, local).map(why -> Change.of(Action.UNCHANGED, stripe.id(), why));
    }

    /** Why this session of ours needs no write, judged from the local row; empty when it may need one. */
    private static Optional<String> nothingToDo(CheckoutSessionData stripe, Optional<PaymentSession> local) {
        String here = local.map(session -> session.status().value()).orElse("unknown here");
        if (stripe.isPaid()) {
            boolean credited = local.isPresent() && local.get().status().isFulfilled();
            return credited ? Optional.of("already " + here) : Optional.empty();
        }
        if (stripe.isExpired() && local.isPresent() && local.get().status() == SessionStatus.PENDING) {
            return Optional.empty();
        }
        return Optional.of("Stripe says " + stripe.status() + "/" + stripe.paymentStatus() + ", " + here);
    }

    private Change act(Connection connection, CheckoutSessionData stripe) throws SQLException {
        if (stripe.isPaid()) {
            FulfilmentResult result = fulfilment.fulfil(connection, stripe);
            return switch (result.outcome()) {
                case CREDITED -> {
                    PaymentSession credited = sessions.find(connection, stripe.id()).orElseThrow();
                    yield Change.credited(stripe.id(), credited.userId(), credited.coinsTotal());
                }
                case REJECTED -> Change.of(Action.REJECTED, stripe.id(), result.detail());
                case IGNORED -> Change.of(Action.IGNORED, stripe.id(), result.detail());
                case ALREADY_DONE, UPDATED, KEPT -> Change.of(Action.UNCHANGED, stripe.id(), result.detail());
            };
        }
        FulfilmentResult result = fulfilment.close(connection, stripe, SessionStatus.EXPIRED);
        return result.outcome() == Outcome.UPDATED
                ? Change.of(Action.EXPIRED, stripe.id(), null)
                : Change.of(Action.UNCHANGED, stripe.id(), result.detail());
    }
}
