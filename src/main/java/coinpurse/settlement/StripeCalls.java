package coinpurse.settlement;

import coinpurse.db.Database;
import coinpurse.purchases.PaymentSession;
import coinpurse.purchases.PaymentSessions;
import coinpurse.settlement.ReversalRecords.Facts;
import coinpurse.settlement.ReversalRecords.Refund;
import coinpurse.settlement.StripeAnswers.FraudRefund;
import coinpurse.stripe.FraudWarningData;
import coinpurse.stripe.StripeEvent;
import coinpurse.stripe.StripeFailureException;
import coinpurse.stripe.StripeGateway;
import java.util.Optional;

/**
 * The calls to Stripe's API that an event needs, made before its transaction: a refund event reads
 * the payment's whole list of refunds; an actionable early fraud warning on this deployment's
 * payment is refunded at Stripe when {@code stripe.refund_early_fraud_warnings} is on. A failure is
 * a {@link StripeFailureException}: the event is then not handled, and Stripe delivers it again.
 */
public final class StripeCalls {
    /** The idempotency key of the refund made for a warning: Stripe makes one refund per key. */
    static final String FRAUD_REFUND_KEY_PREFIX = "coinpurse-efw-";

    private final Optional<StripeGateway> stripe;
    private final Database db;
    private final PaymentSessions sessions;
    private final ReversalRecords records;
    private final FraudWarnings warnings;
    private final boolean refundWarnings;
    private final String instanceId;

    public StripeCalls(Optional<StripeGateway> stripe, Database db, PaymentSessions sessions, ReversalRecords records,
            FraudWarnings warnings, boolean refundWarnings, String instanceId) {
        this.stripe = stripe;
        this.db = db;
        this.sessions = sessions;
        this.records = records;
        this.warnings = warnings;
        this.refundWarnings = refundWarnings;
        this.instanceId = instanceId;
    }

    /** The payment's refunds as Stripe lists them now. */
    StripeAnswers refundsOf(String paymentIntent) {
        StripeGateway gateway = stripe.orElseThrow(() -> new StripeFailureException(
                "no Stripe key is configured (stripe.secret_key) to read the refunds of " + paymentIntent, null));
        return StripeAnswers.refunds(gateway.listRefunds(paymentIntent));
    }

    /** Refunds the warned payment at Stripe if it should be (in a dry run: says whether it would). */
    StripeAnswers fraudRefund(FraudWarningData warning, boolean dryRun) {
        return StripeAnswers.fraudRefund(decide(warning, dryRun));
    }

    private FraudRefund decide(FraudWarningData warning, boolean dryRun) {
        if (!refundWarnings) {
            return FraudRefund.notRefunded("stripe.refund_early_fraud_warnings is off");
        }
        if (!warning.actionable()) {
            return FraudRefund.notRefunded("the warning is not actionable");
        }
        if (stripe.isEmpty()) {
            return FraudRefund.notRefunded("no Stripe key is configured (stripe.secret_key)");
        }
        Standing standing = db.read(connection -> new Standing(
                warnings.find(connection, warning.id()),
                sessions.findPurchase(connection, warning.paymentIntent()),
                records.factsOf(connection, warning.paymentIntent())));
        if (standing.warning().map(FraudWarnings.Warning::refundId).isPresent()) {
            return FraudRefund.refunded(standing.warning().get().refundId());
        }
        if (standing.warning().filter(stored -> !stored.actionable()).isPresent()) {
            return FraudRefund.notRefunded("a later update of the warning says it is not actionable");
        }
        if (standing.facts().disputes().stream().anyMatch(dispute -> !dispute.isClosed())) {
            return FraudRefund.notRefunded("a dispute of the payment is open");
        }
        if (standing.purchase().isEmpty() && !isThisDeployments(warning.paymentIntent())) {
            return FraudRefund.notRefunded("not a payment of this deployment");
        }
        long refunded = standing.facts().refunds().stream().filter(Refund::stands).mapToLong(Refund::amount).sum();
        if (standing.purchase().filter(purchase -> refunded >= purchase.amountCents()).isPresent()) {
            return FraudRefund.notRefunded("the payment is refunded in full already");
        }
        if (dryRun) {
            return FraudRefund.wouldRefund();
        }
        try {
            return FraudRefund.refunded(stripe.get()
                    .refundAsFraudulent(warning.paymentIntent(), FRAUD_REFUND_KEY_PREFIX + warning.id()).id());
        } catch (StripeFailureException e) {
            if (e.hasCode("charge_already_refunded")) {
                return FraudRefund.notRefunded("Stripe says the payment is refunded in full already");
            }
            if (e.hasCode("charge_disputed")) {
                return FraudRefund.notRefunded("Stripe says the payment is disputed");
            }
            throw e;
        }
    }

    private boolean isThisDeployments(String paymentIntent) {
        return instanceId.equals(stripe.orElseThrow().paymentIntentMetadata(paymentIntent)
                .get(StripeGateway.INSTANCE_METADATA_KEY));
    }

    private record Standing(Optional<FraudWarnings.Warning> warning, Optional<PaymentSession> purchase, Facts facts) {}
}
