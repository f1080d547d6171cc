package coinpurse.stripe;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The few stable fields of an early fraud warning ({@code radar.early_fraud_warning.*} events):
 * the card network's word that a payment was likely fraudulent. {@code actionable} is false once
 * the charge is disputed or fully refunded (nothing left to do about it).
 */
public record FraudWarningData(String id, String chargeId, String paymentIntent, String fraudType,
        boolean actionable) {

    /** Reads a warning object from JSON, whatever API version it was rendered with. */
    public static FraudWarningData fromJson(JsonNode warning) {
        return new FraudWarningData(
                JsonFields.text(warning, "id"),
                JsonFields.idOf(warning.path("charge")),
                JsonFields.idOf(warning.path("payment_intent")),
                JsonFields.text(warning, "fraud_type"),
                warning.path("actionable").asBoolean(false));
    }
}
