package coinpurse.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Stripe event as coinpurse reads it, from a webhook's body or from the Events API: its id,
 * type, mode and data object, taken from the JSON whatever its API version.
 * {@code livemode} is null when the event does not say.
 */
public record StripeEvent(String id, String type, Boolean livemode, JsonNode object) {
    /** The widest type the events table keeps; Stripe's longest is under 60. */
    private static final int MAX_TYPE = 128;
    /** An object's kind as Stripe names it ({@code payment_intent}, {@code radar.early_fraud_warning}). */
    private static final Pattern OBJECT_KIND = Pattern.compile("[a-z][a-z_.]{0,63}");

    /**
     * The event in {@code root}, or empty when it lacks an id, a type or {@code data.object} (an
     * id or type that the database could not store, with a NUL or too long, counts as none).
     */
    public static Optional<StripeEvent> fromJson(JsonNode root) {
        String id = JsonFields.text(root, "id");
        String type = JsonFields.text(root, "type");
        JsonNode object = root.path("data").path("object");
        if (id == null || type == null || type.length() > MAX_TYPE || !object.isObject()) {
            return Optional.empty();
        }
        JsonNode livemode = root.path("livemode");
        return Optional.of(new StripeEvent(id, type, livemode.isBoolean() ? livemode.booleanValue() : null, object));
    }

    /** The Checkout Session the event is about, or null when it is not a checkout event. */
    public String sessionId() {
        return type.startsWith("checkout.session.") ? JsonFields.text(object, "id") : null;
    }

    /** The payment intent a charge, refund or dispute event is about, or null. */
    public String paymentIntent() {
        return type.startsWith("checkout.session.") ? null : JsonFields.idOf(object.path("payment_intent"));
    }

    /**
     * What the event is about, for a log line: {@code session=cs_…} for a checkout event,
     * {@code payment_intent=pi_…} for one whose object belongs to a payment intent (a charge, refund,
     * dispute or early fraud warning), else its object by kind and id ({@code payment_intent=pi_…}
     * for a payment intent's own events, {@code customer=cus_…}).
     */
    public String subject() {
        if (type.startsWith("checkout.session.")) {
            return "session=" + sessionId();
        }
        if (paymentIntent() != null) {
            return "payment_intent=" + paymentIntent();
        }
        String kind = JsonFields.text(object, "object");
        return (kind != null && OBJECT_KIND.matcher(kind).matches() ? kind : "object") + "="
                + JsonFields.text(object, "id");
    }
}
