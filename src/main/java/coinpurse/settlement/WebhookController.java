package coinpurse.settlement;

import coinpurse.db.DatabaseException;
import coinpurse.http.ApiException;
import coinpurse.http.JsonBodies;
import coinpurse.stripe.StripeEvent;
import coinpurse.stripe.StripeFailureException;
import coinpurse.stripe.WebhookVerifier;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/payment/webhook}: Stripe's word on a payment. The verified event is the
 * truth: the session (or the charge, refund or dispute) is read from the event's own JSON
 * (whatever its API version) and Stripe is not called back to fulfil (a refund event reads the
 * payment's refunds; an early fraud warning may refund the payment). {@link EventProcessor}
 * handles it; handling it and remembering it commit together.
 */
public final class WebhookController {
    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);
    private static final Map<String, String> ACCEPTED = Map.of("status", "success");

    private final WebhookVerifier verifier;
    private final JsonBodies json;
    private final EventProcessor events;
    private final SettlementMetrics metrics;

    public WebhookController(WebhookVerifier verifier, JsonBodies json, EventProcessor events,
            SettlementMetrics metrics) {
        this.verifier = verifier;
        this.json = json;
        this.events = events;
        this.metrics = metrics;
    }

    public void receive(Context ctx) {
        long started = System.nanoTime();
        if (!verifier.isConfigured()) {
            throw ApiException.notConfigured(
                    "Webhooks are not configured: set stripe.webhook_secret (STRIPE_WEBHOOK_SECRET).");
        }
        String payload = new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8);
        Optional<String> rejection = verifier.rejection(payload, ctx.header("Stripe-Signature"));
        if (rejection.isPresent()) {
            log.warn("webhook outcome=rejected why=\"{}\"", rejection.get());
            metrics.webhookRefused(SettlementMetrics.INVALID_SIGNATURE);
            throw new ApiException(400, "invalid_signature",
                    "The Stripe-Signature header is missing, invalid or too old.");
        }
        StripeEvent event = parse(payload);
        FulfilmentResult result;
        try {
            result = events.process(event);
        } catch (StripeFailureException e) {
            metrics.webhookNotCommitted(event.type());
            log.warn("webhook event={} type={} not handled, Stripe will deliver it again: {}", event.id(), event.type(),
                    e.getMessage());
            throw new ApiException(503, "stripe_unavailable",
                    "Stripe's API could not be asked what this event needs; deliver it again.");
        } catch (DatabaseException e) {
            metrics.webhookNotCommitted(event.type());
            log.error("webhook event={} type={} not committed; Stripe will deliver it again",
                    event.id(), event.type(), e);
            throw new ApiException(500, "not_processed", "The event could not be saved; deliver it again.");
        }
        // Committed: inTransaction returns only then, so nothing here is counted twice or for nothing.
        metrics.webhookEvent(event.type(), result.outcome());
        metrics.committed(result);
        log.info("webhook event={} type={} {} outcome={} detail=\"{}\" took={}ms", event.id(),
                event.type(), event.subject(), result.label(), result.detail(),
                (System.nanoTime() - started) / 1_000_000);
        ctx.json(ACCEPTED);
    }

    private StripeEvent parse(String payload) {
        JsonNode root;
        try {
            root = json.parse(payload);
        } catch (ApiException notJson) {
            metrics.webhookRefused(SettlementMetrics.INVALID_PAYLOAD);
            throw new ApiException(400, "invalid_payload", "The event is not valid JSON.");
        }
        Optional<StripeEvent> event = StripeEvent.fromJson(root);
        if (event.isEmpty()) {
            metrics.webhookRefused(SettlementMetrics.INVALID_PAYLOAD);
            throw new ApiException(400, "invalid_payload", "The event lacks an id, a type or data.object.");
        }
        return event.get();
    }
}
