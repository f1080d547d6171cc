package coinpurse.settlement;

import coinpurse.auth.UserAuth;
import coinpurse.db.Database;
import coinpurse.db.Deferred;
import coinpurse.db.Timestamps;
import coinpurse.purchases.PaymentSessions;
import coinpurse.purchases.SessionStatus;
import coinpurse.purchases.UnknownSessionException;
import coinpurse.stripe.CheckoutSessionData;
import coinpurse.stripe.StripeFailureException;
import coinpurse.stripe.StripeGateway;
import coinpurse.wallet.Balance;
import coinpurse.wallet.Balances;
import io.javalin.http.Context;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/payment/status/{session_id}}: where the user's purchase stands. While it
 * is pending, asks Stripe now and then, so the success page works when a webhook is late.
 */
public final class StatusController {
    private static final Logger log = LoggerFactory.getLogger(StatusController.class);

    public record Answer(String status, String sessionId, Long coinsAdded, Long newBalance) {}

    private final UserAuth auth;
    private final Database db;
    private final PaymentSessions sessions;
    private final Fulfilment fulfilment;
    private final Optional<StripeGateway> stripe;
    private final StripePollThrottle throttle;
    private final SettlementMetrics metrics;
    private final Balances balances;
    private final Timestamps timestamps;

    public StatusController(UserAuth auth, Database db, PaymentSessions sessions,
            Fulfilment fulfilment, Optional<StripeGateway> stripe, StripePollThrottle throttle,
            SettlementMetrics metrics, Balances balances, Timestamps timestamps) {
        this.auth = auth;
        this.db = db;
        this.sessions = sessions;
        this.fulfilment = fulfilment;
        this.stripe = stripe;
        this.throttle = throttle;
        this.metrics = metrics;
        this.balances = balances;
        this.timestamps = timestamps;
    }

    public void status(Context ctx) {
        String userId = auth.requireUser(ctx);
        String sessionId = ctx.pathParam("session_id");
        Answer answer = answer(userId, sessionId);
        if (answer.status().equals(SessionStatus.PENDING.value()) && stripe.isPresent()
                && throttle.tryAcquire(sessionId)) {
            askStripe(stripe.get(), sessionId);
            answer = answer(userId, sessionId);
        }
        ctx.json(answer);
    }

    /**
     * The user's own session as it stands, with their balance once it is completed, as the balance
     * route reads it (coins of a lot whose {@code expires_at} has come no longer count, swept or not).
     */
    private Answer answer(String userId, String sessionId) {
        return db.read(connection -> {
            // Asked with the session's lookup, in one round trip; read only for a completed session of the user.
            Deferred.Later<Balance> balance = balances.later(connection, userId, timestamps.now());
            PaymentSessions.Standing found = sessions.findStanding(connection, sessionId)
                    .filter(it -> it.userId().equals(userId))
                    .orElseThrow(() -> new UnknownSessionException(sessionId));
            if (found.status() != SessionStatus.COMPLETED) {
                return new Answer(found.status().value(), sessionId, null, null);
            }
            return new Answer(found.status().value(), sessionId, found.coinsTotal(),
                    balance.get().balance());
        });
    }

    /** A failed poll is not the user's problem: the local status stands, the webhook will come. */
    private void askStripe(StripeGateway gateway, String sessionId) {
        CheckoutSessionData remote;
        try {
            remote = gateway.retrieveCheckoutSession(sessionId);
        } catch (StripeFailureException e) {
            log.warn("could not ask Stripe about session {}: {}", sessionId, e.getMessage());
            return;
        }
        FulfilmentResult result;
        if (remote.isPaid()) {
            result = db.inTransaction(connection -> fulfilment.fulfil(connection, remote));
        } else if (remote.isExpired()) {
            result = db.inTransaction(connection -> fulfilment.close(connection, remote, SessionStatus.EXPIRED));
        } else {
            return;
        }
        metrics.committed(result);
        log.info("status poll session={} outcome={} ({})", sessionId, result.label(), result.detail());
    }
}
