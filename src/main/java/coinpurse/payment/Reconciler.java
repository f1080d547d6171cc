package coinpurse.payment;

import coinpurse.db.Database;
import coinpurse.payment.FulfilmentResult.Outcome;
import coinpurse.stripe.CheckoutSessionData;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Brings local sessions in line with what Stripe's API says about them, for the webhooks that
 * never arrived: a paid session not yet completed here is fulfilled through {@link Fulfilment}
 * (the webhook's own function, so it is recorded if unknown, amount-checked, and credited once),
 * and an expired one still pending here is closed as expired. Nothing else is touched.
 *
 * <p>Each session is decided from its local row, read outside any write transaction; only a
 * session that needs a change opens one, in which {@link Fulfilment} decides again, so a webhook
 * or the status route acting on the same session at the same time simply wins and the session
 * counts as unchanged. A dry run stops after the first decision and writes nothing.
 */
public final class Reconciler {

    public enum Action { CREDITED, EXPIRED, REJECTED, UNCHANGED }

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
    public record Summary(int checked, int credited, int expired, int rejected, int unchanged) {
        Summary plus(Action action) {
            return new Summary(checked + 1,
                    credited + (action == Action.CREDITED ? 1 : 0),
                    expired + (action == Action.EXPIRED ? 1 : 0),
                    rejected + (action == Action.REJECTED ? 1 : 0),
                    unchanged + (action == Action.UNCHANGED ? 1 : 0));
        }
    }

    private final Database db;
    private final PaymentSessions sessions;
    private final Fulfilment fulfilment;

    public Reconciler(Database db, PaymentSessions sessions, Fulfilment fulfilment) {
        this.db = db;
        this.sessions = sessions;
        this.fulfilment = fulfilment;
    }

    /**
     * Reconciles every session of {@code fromStripe}, telling {@code onEach} about each one as
     * soon as it is done (committed), so that an interrupted run has reported what it did.
     */
    public Summary reconcile(Iterable<CheckoutSessionData> fromStripe, boolean dryRun, Consumer<Change> onEach) {
        Summary summary = new Summary(0, 0, 0, 0, 0);
        for (CheckoutSessionData session : fromStripe) {
            Change change = dryRun ? plan(session) : apply(session);
            onEach.accept(change);
            summary = summary.plus(change.action());
        }
        return summary;
    }

    /** What {@link #apply} would do, judged from the local row alone. */
    private Change plan(CheckoutSessionData stripe) {
        Optional<PaymentSession> local = db.read(connection -> sessions.find(connection, stripe.id()));
        if (stripe.isPaid()) {
            return planPaid(stripe, local);
        }
        if (stripe.isExpired() && isPending(local)) {
            return Change.of(Action.EXPIRED, stripe.id(), null);
        }
        return unchanged(stripe, local);
    }

    private Change apply(CheckoutSessionData stripe) {
        Change planned = plan(stripe);
        return switch (planned.action()) {
            case CREDITED, REJECTED -> db.inTransaction(connection -> fulfil(connection, stripe));
            case EXPIRED -> db.inTransaction(connection -> expire(connection, stripe));
            case UNCHANGED -> planned;
        };
    }

    private Change fulfil(Connection connection, CheckoutSessionData stripe) throws SQLException {
        FulfilmentResult result = fulfilment.fulfil(connection, stripe);
        return switch (result.outcome()) {
            case CREDITED -> {
                PaymentSession credited = sessions.find(connection, stripe.id()).orElseThrow();
                yield Change.credited(stripe.id(), credited.userId(), credited.coinsTotal());
            }
            case REJECTED -> Change.of(Action.REJECTED, stripe.id(), result.detail());
            case ALREADY_DONE, UPDATED, IGNORED -> Change.of(Action.UNCHANGED, stripe.id(), result.detail());
        };
    }

    private Change expire(Connection connection, CheckoutSessionData stripe) throws SQLException {
        FulfilmentResult result = fulfilment.close(connection, stripe, SessionStatus.EXPIRED);
        return result.outcome() == Outcome.UPDATED
                ? Change.of(Action.EXPIRED, stripe.id(), null)
                : Change.of(Action.UNCHANGED, stripe.id(), result.detail());
    }

    private static Change planPaid(CheckoutSessionData stripe, Optional<PaymentSession> local) {
        if (local.isEmpty()) {
            if (!stripe.metadata().containsKey("package_id")) {
                return Change.of(Action.UNCHANGED, stripe.id(), "not a coinpurse session");
            }
            Optional<String> unusable = unusableMetadata(stripe);
            if (unusable.isPresent()) {
                return Change.of(Action.REJECTED, stripe.id(), unusable.get());
            }
            long coins = Long.parseLong(stripe.metadata().get("coins"))
                    + Long.parseLong(stripe.metadata().getOrDefault("bonus", "0"));
            return Change.credited(stripe.id(), userIdOf(stripe), coins);
        }
        PaymentSession session = local.get();
        if (!needsCredit(session.status())) {
            return Change.of(Action.UNCHANGED, stripe.id(), "already " + session.status().value());
        }
        boolean sameAmount = stripe.amountTotal() != null && stripe.amountTotal() == session.amountCents()
                && session.currency().equalsIgnoreCase(stripe.currency());
        if (!sameAmount) {
            return Change.of(Action.REJECTED, stripe.id(), "paid " + stripe.amountTotal() + " " + stripe.currency()
                    + " but the session was for " + session.amountCents() + " " + session.currency());
        }
        return Change.credited(stripe.id(), session.userId(), session.coinsTotal());
    }

    /** Paid but never credited here: pending, or closed by an event that the payment overrides. */
    private static boolean needsCredit(SessionStatus status) {
        return status == SessionStatus.PENDING || status == SessionStatus.FAILED || status == SessionStatus.EXPIRED;
    }

    private static boolean isPending(Optional<PaymentSession> local) {
        return local.isPresent() && local.get().status() == SessionStatus.PENDING;
    }

    private static Change unchanged(CheckoutSessionData stripe, Optional<PaymentSession> local) {
        String here = local.map(session -> session.status().value()).orElse("unknown here");
        return Change.of(Action.UNCHANGED, stripe.id(),
                "Stripe says " + stripe.status() + "/" + stripe.paymentStatus() + ", " + here);
    }

    /** Why an unknown session's metadata can't be recorded (what Fulfilment would reject), if it can't. */
    private static Optional<String> unusableMetadata(CheckoutSessionData stripe) {
        String userId = userIdOf(stripe);
        boolean usable = userId != null && !userId.isBlank()
                && isWholeNumber(stripe.metadata().get("coins"))
                && isWholeNumber(stripe.metadata().getOrDefault("bonus", "0"))
                && stripe.amountTotal() != null && stripe.currency() != null;
        return usable ? Optional.empty() : Optional.of("unknown session without coinpurse metadata");
    }

    private static String userIdOf(CheckoutSessionData stripe) {
        return stripe.metadata().getOrDefault("user_id", stripe.clientReferenceId());
    }

    private static boolean isWholeNumber(String text) {
        try {
            return text != null && Long.parseLong(text) >= 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
