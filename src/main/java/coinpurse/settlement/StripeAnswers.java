package coinpurse.settlement;

import coinpurse.stripe.RefundData;
import java.util.List;
import java.util.Optional;

/**
 * What Stripe's API answered for one event before its transaction began (so that no transaction
 * waits on the network): the payment's refunds as listed now, for a refund event; what was done
 * about an early fraud warning.
 */
public record StripeAnswers(Optional<List<RefundData>> refunds, Optional<FraudRefund> fraudRefund) {
    /** An event that needs nothing from Stripe. */
    public static final StripeAnswers NONE = new StripeAnswers(Optional.empty(), Optional.empty());

    public static StripeAnswers refunds(List<RefundData> listed) {
        return new StripeAnswers(Optional.of(List.copyOf(listed)), Optional.empty());
    }

    public static StripeAnswers fraudRefund(FraudRefund refund) {
        return new StripeAnswers(Optional.empty(), Optional.of(refund));
    }

    /**
     * What coinpurse did at Stripe about an early fraud warning: refunded the payment (the refund's
     * id), would refund it (a dry run), or did not, and why.
     */
    public record FraudRefund(Decision decision, String refundId, String why) {
        public enum Decision { REFUNDED, WOULD_REFUND, NOT_REFUNDED }

        static FraudRefund refunded(String refundId) {
            return new FraudRefund(Decision.REFUNDED, refundId, null);
        }

        static FraudRefund wouldRefund() {
            return new FraudRefund(Decision.WOULD_REFUND, null, null);
        }

        static FraudRefund notRefunded(String why) {
            return new FraudRefund(Decision.NOT_REFUNDED, null, why);
        }
    }
}
