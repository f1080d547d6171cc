package coinpurse.payment;

import coinpurse.db.Database;
import coinpurse.db.DatabaseException;
import coinpurse.http.ApiException;
import coinpurse.http.JsonBodies;
import coinpurse.payment.FulfilmentResult.Outcome;
import coinpurse.stripe.ChargeData;
import coinpurse.stripe.CheckoutSessionData;
import coinpurse.stripe.DisputeData;
import coinpurse.stripe.WebhookVerifier;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/payment/webhook}: Stripe's word on a payment. The verified event is the
 * truth: the session (or the refunded charge, or the dispute) is read from the event's own
 * JSON (whatever its API version) and Stripe is not called back. Checkout events go to
 * {@link Fulfilment}, refunds and disputes to {@link Reversals}. Handling an event and
 * remembering it commit together.
 */
public final class WebhookController {
    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);
    private static final Map<String, String> ACCEPTED = Map.of("status", "success");

    private final WebhookVerifier verifier;
    private final JsonBodies json;
    private final Database db;
    private final ProcessedEvents events;
    private final Fulfilment fulfilment;
    private final Reversals reversals;

    public WebhookController(WebhookVerifier verifier, JsonBodies json, Database db, ProcessedEvents events,
            Fulfilment fulfilment, Reversals reversals) {
        this.verifier = verifier;
        this.json = json;
        this.db = db;
        this.events = events;
        this.fulfilment = fulfilment;
        this.reversals = reversals;
    }

    /** A verified event: its id, type and data object. */
    private record Event(String id, String type, JsonNode object) {
        String sessionId() {
            JsonNode id = object.path("id");
            return type.startsWith("checkout.session.") && id.isTextual() ? id.textValue() : null;
        }

        /** What the event is about, for the log: its session, or the payment intent of a charge or dispute. */
        String subject() {
            JsonNode intent = object.path("payment_intent");
            return type.startsWith("charge.") && intent.isTextual()
                    ? "payment_intent=" + intent.textValue()
                    : "session=" + sessionId();
        }
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
            throw new ApiException(400, "invalid_signature",
                    "The Stripe-Signature header is missing, invalid or too old.");
        }
        Event event = parse(payload);
        FulfilmentResult result;
        try {
            result = db.inTransaction(connection -> handleOnce(connection, event));
        } catch (DatabaseException e) {
            log.error("webhook event={} type={} not committed; Stripe will deliver it again",
                    event.id(), event.type(), e);
            throw new ApiException(500, "not_processed", "The event could not be saved; deliver it again.");
        }
        log.info("webhook event={} type={} {} outcome={} detail=\"{}\" took={}ms", event.id(),
                event.type(), event.subject(), result.label(), result.detail(),
                (System.nanoTime() - started) / 1_000_000);
        ctx.json(ACCEPTED);
    }

    private Event parse(String payload) {
        JsonNode root;
        try {
            root = json.parse(payload);
        } catch (ApiException notJson) {
            throw new ApiException(400, "invalid_payload", "The event is not valid JSON.");
        }
        JsonNode id = root.path("id");
        JsonNode type = root.path("type");
        JsonNode object = root.path("data").path("object");
        if (!id.isTextual() || !type.isTextual() || !object.isObject()) {
            throw new ApiException(400, "invalid_payload", "The event lacks an id, a type or data.object.");
        }
        return new Event(id.textValue(), type.textValue(), object);
    }

    private FulfilmentResult handleOnce(Connection connection, Event event) throws SQLException {
        if (events.contains(connection, event.id())) {
            return FulfilmentResult.of(Outcome.ALREADY_DONE, "event delivered before");
        }
        FulfilmentResult result = handle(connection, event);
        events.record(connection, event.id(), event.type(), event.sessionId(), result);
        return result;
    }

    private FulfilmentResult handle(Connection connection, Event event) throws SQLException {
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
            case "charge.refunded" -> reversals.refunded(connection, ChargeData.fromJson(event.object()));
            case "charge.dispute.created" ->
                    reversals.disputeCreated(connection, DisputeData.fromJson(event.object()));
            case "charge.dispute.closed" -> reversals.disputeClosed(connection, DisputeData.fromJson(event.object()));
            default -> FulfilmentResult.of(Outcome.IGNORED, "event type not handled");
        };
    }
}
