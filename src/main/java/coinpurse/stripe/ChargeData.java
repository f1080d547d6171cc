package coinpurse.stripe;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The few stable fields of a Charge that a {@code charge.refunded} event carries and
 * coinpurse relies on. {@code amountRefunded} is cumulative: everything refunded so far.
 */
public record ChargeData(
        String id,
        String paymentIntent,
        Long amount,
        Long amountRefunded,
        String currency,
        boolean refunded) {

    /** Reads a charge object from JSON, whatever API version it was rendered with. */
    public static ChargeData fromJson(JsonNode charge) {
        return new ChargeData(
                JsonFields.text(charge, "id"),
                JsonFields.idOf(charge.path("payment_intent")),
                JsonFields.wholeNumber(charge, "amount"),
                JsonFields.wholeNumber(charge, "amount_refunded"),
                JsonFields.text(charge, "currency"),
                charge.path("refunded").asBoolean(false));
    }
}
