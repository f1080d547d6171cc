package coinpurse.stripe;

import coinpurse.db.StorableText;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The few stable fields of a Checkout Session that coinpurse relies on, whether it came
 * from Stripe's API (through stripe-java) or from a webhook event's JSON.
 */
public record CheckoutSessionData(
        String id,
        String url,
        String status,
        String paymentStatus,
        Long amountTotal,
        String currency,
        String clientReferenceId,
        Map<String, String> metadata,
        String paymentIntent) {

    public CheckoutSessionData {
        metadata = Map.copyOf(metadata);
    }

    public boolean isPaid() {
        return "paid".equals(paymentStatus);
    }

    public boolean isExpired() {
        return "expired".equals(status);
    }

    /** Reads a session object from JSON, whatever API version it was rendered with. */
    public static CheckoutSessionData fromJson(JsonNode session) {
        Map<String, String> metadata = new LinkedHashMap<>();
        session.path("metadata").properties().forEach(field -> {
            if (field.getValue().isValueNode() && !field.getValue().isNull()
                    && StorableText.isStorable(field.getValue().asText())) {
                metadata.put(field.getKey(), field.getValue().asText());
            }
        });
        return new CheckoutSessionData(
                JsonFields.text(session, "id"),
                JsonFields.text(session, "url"),
                JsonFields.text(session, "status"),
                JsonFields.text(session, "payment_status"),
                JsonFields.wholeNumber(session, "amount_total"),
                JsonFields.currency(session, "currency"),
                JsonFields.text(session, "client_reference_id"),
                metadata,
                JsonFields.idOf(session.path("payment_intent")));
    }
}
