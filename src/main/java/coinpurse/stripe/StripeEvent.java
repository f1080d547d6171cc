package coinpurse.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * A Stripe event as coinpurse reads it, from a webhook's body or from the Events API: its id,
 * type, mode and data object, taken from the JSON whatever its API version.
 * {@code livemode} is null when the event does not say.
 */
public record StripeEvent(String id, String type, Boolean livemode, JsonNode object) {

    /** The event in {@code root}, or empty when it lacks an id, a type or {@code data.object}. */
    public static Optional<StripeEvent> fromJson(JsonNode root) {
        JsonNode id = root.path("id");
        JsonNode type = root.path("type");
        JsonNode object = root.path("data").path("object");
        if (!id.isTextual() || !type.isTextual() || !object.isObject()) {
            return Optional.empty();
        }
        JsonNode livemode = root.path("livemode");
        return Optional.of(new StripeEvent(id.textValue(), type.textValue(),
                livemode.isBoolean() ? livemode.booleanValue() : null, object));
    }

    /** The Checkout Session the event is about, or null when it is not a checkout event. */
    public String sessionId() {
        return type.startsWith("checkout.session.") ? JsonFields.text(object, "id") : null;
    }

    /** The payment intent a charge, refund or dispute event is about, or null. */
    public String paymentIntent() {
        return type.startsWith("checkout.session.") ? null : JsonFields.idOf(object.path("payment_intent"));
    }
}
