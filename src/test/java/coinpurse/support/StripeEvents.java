package coinpurse.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.Stripe;
import java.time.Instant;
import java.util.UUID;

/** Builds webhook events and the objects inside them, shaped as Stripe sends them. */
public final class StripeEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The {@code app.instance_id} of the test servers, which their sessions' metadata names. */
    public static final String INSTANCE_ID = "coinpurse-test";

    private StripeEvents() {}

    /** A new random event id, {@code evt_test_…}. */
    public static String newEventId() {
        return randomId("evt_test_");
    }

    /** A new random Checkout Session id, {@code cs_test_…}, that the fake Stripe never made. */
    public static String newSessionId() {
        return randomId("cs_test_");
    }

    /** The {@code id} of an event's JSON. */
    public static String eventIdOf(String event) {
        try {
            return JSON.readTree(event).get("id").asText();
        } catch (Exception e) {
            throw new AssertionError("not an event: " + event, e);
        }
    }

    /** The JSON of a checkout event with a new id carrying {@code session}, at stripe-java's pinned API version. */
    public static String checkoutEvent(String type, ObjectNode session) {
        return checkoutEvent(newEventId(), type, session);
    }

    /** The JSON of a checkout event carrying {@code session}, at stripe-java's pinned API version. */
    public static String checkoutEvent(String eventId, String type, ObjectNode session) {
        return event(eventId, type, session, Stripe.API_VERSION);
    }

    /** The JSON of a checkout event carrying {@code session}, at the given API version. */
    public static String checkoutEvent(String eventId, String type, ObjectNode session, String apiVersion) {
        return event(eventId, type, session, apiVersion);
    }

    /** The JSON of any event (e.g. {@code charge.refunded}) carrying {@code object}, at the given API version. */
    public static String event(String eventId, String type, ObjectNode object, String apiVersion) {
        return event(eventId, type, object, apiVersion, Instant.now().getEpochSecond());
    }

    /** As {@link #event(String, String, ObjectNode, String)}, stamped {@code created} (epoch seconds). */
    public static String event(String eventId, String type, ObjectNode object, String apiVersion, long created) {
        ObjectNode event = JSON.createObjectNode()
                .put("id", eventId)
                .put("object", "event")
                .put("api_version", apiVersion)
                .put("created", created);
        event.putObject("data").set("object", object.deepCopy());
        event.put("livemode", false).put("pending_webhooks", 1);
        event.putObject("request").putNull("id").putNull("idempotency_key");
        event.put("type", type);
        // Pretty-printed like Stripe's own payloads, so a receiver that verifies re-serialized JSON
        // instead of the raw body fails.
        return event.toPrettyString();
    }

    /** A Checkout Session as a {@code checkout.session.completed} event carries it once paid. */
    public static ObjectNode paidSession(
            String sessionId, String userId, String packageId, long coins, long bonus,
            long amountTotal, String currency) {
        long now = Instant.now().getEpochSecond();
        ObjectNode session = JSON.createObjectNode()
                .put("id", sessionId)
                .put("object", "checkout.session")
                .put("amount_subtotal", amountTotal)
                .put("amount_total", amountTotal)
                .put("client_reference_id", userId)
                .put("created", now)
                .put("currency", currency)
                .put("expires_at", now + 24 * 3600)
                .put("livemode", false);
        session.putObject("metadata")
                .put("user_id", userId)
                .put("package_id", packageId)
                .put("coins", Long.toString(coins))
                .put("bonus", Long.toString(bonus))
                .put("coinpurse_instance", INSTANCE_ID);
        return session.put("mode", "payment")
                .put("payment_intent", randomId("pi_test_"))
                .put("payment_status", "paid")
                .put("status", "complete")
                .putNull("url");
    }

    /** A Charge as a {@code charge.refunded} event carries it; {@code amountRefunded} is cumulative. */
    public static ObjectNode refundedCharge(
            String paymentIntentId, long amount, long amountRefunded, String currency) {
        return JSON.createObjectNode()
                .put("id", randomId("ch_test_"))
                .put("object", "charge")
                .put("amount", amount)
                .put("amount_captured", amount)
                .put("amount_refunded", amountRefunded)
                .put("captured", true)
                .put("created", Instant.now().getEpochSecond())
                .put("currency", currency)
                .put("livemode", false)
                .put("paid", true)
                .put("payment_intent", paymentIntentId)
                .put("refunded", amountRefunded >= amount)
                .put("status", "succeeded");
    }

    public static String randomId(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "");
    }
}
