package coinpurse.stripe;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The few stable fields of a Refund that {@code refund.*} and {@code charge.refund.updated}
 * events carry. {@code status} is Stripe's: pending, requires_action, succeeded, failed or
 * canceled; a failed or canceled refund returned no money to the payer.
 */
public record RefundData(String id, String paymentIntent, Long amount, String currency, String status) {

    /** Reads a refund object from JSON, whatever API version it was rendered with. */
    public static RefundData fromJson(JsonNode refund) {
        return new RefundData(
                JsonFields.text(refund, "id"),
                JsonFields.idOf(refund.path("payment_intent")),
                JsonFields.wholeNumber(refund, "amount"),
                JsonFields.currency(refund, "currency"),
                JsonFields.status(refund, "status"));
    }
}
