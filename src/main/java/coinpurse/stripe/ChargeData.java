package coinpurse.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The few stable fields of a Charge that a {@code charge.refunded} event carries and
 * coinpurse relies on. {@code amountRefunded} is cumulative: everything refunded so far (refunds
 * that failed or were canceled no longer count). {@code refunds} is empty unless the event's API
 * version still lists them.
 */
public record ChargeData(
        String id,
        String paymentIntent,
        Long amount,
        Long amountRefunded,
        String currency,
        boolean refunded,
        List<RefundData> refunds) {

    public ChargeData {
        refunds = List.copyOf(refunds);
    }

    /** Reads a charge object from JSON, whatever API version it was rendered with. */
    public static ChargeData fromJson(JsonNode charge) {
        return new ChargeData(
                JsonFields.text(charge, "id"),
                JsonFields.idOf(charge.path("payment_intent")),
                JsonFields.wholeNumber(charge, "amount"),
                JsonFields.wholeNumber(charge, "amount_refunded"),
                JsonFields.currency(charge, "currency"),
                charge.path("refunded").asBoolean(false),
                refundsOf(charge));
    }

    /** The refunds listed on the charge: API versions before 2022-11-15 include them in events. */
    private static List<RefundData> refundsOf(JsonNode charge) {
        List<RefundData> refunds = new ArrayList<>();
        charge.path("refunds").path("data").forEach(refund -> {
            if (refund.isObject()) {
                refunds.add(RefundData.fromJson(refund));
            }
        });
        return refunds;
    }
}
