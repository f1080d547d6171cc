package coinpurse.stripe;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The few stable fields of a Dispute that {@code charge.dispute.*} events carry and
 * coinpurse relies on. {@code status} is Stripe's: {@code needs_response}, …, and once
 * closed {@code won}, {@code lost} or {@code warning_closed} (an inquiry that ended without
 * a chargeback). {@code created} is when Stripe opened it (epoch seconds).
 */
public record DisputeData(
        String id,
        String chargeId,
        String paymentIntent,
        Long amount,
        String currency,
        String status,
        Long created) {

    /** Reads a dispute object from JSON, whatever API version it was rendered with. */
    public static DisputeData fromJson(JsonNode dispute) {
        JsonNode charge = dispute.path("charge");
        String paymentIntent = JsonFields.idOf(dispute.path("payment_intent"));
        if (paymentIntent == null && charge.isObject()) {
            paymentIntent = JsonFields.idOf(charge.path("payment_intent"));
        }
        return new DisputeData(
                JsonFields.text(dispute, "id"),
                JsonFields.idOf(charge),
                paymentIntent,
                JsonFields.wholeNumber(dispute, "amount"),
                JsonFields.currency(dispute, "currency"),
                JsonFields.status(dispute, "status"),
                JsonFields.wholeNumber(dispute, "created"));
    }
}
