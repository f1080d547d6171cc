package coinpurse.stripe;

import coinpurse.metrics.Meters;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * coinpurse's narrow door to Stripe: create, look up, expire and list Checkout Sessions, read
 * Prices, payment intents and a payment's refunds, refund a payment, and list recent events. Every
 * failure, Stripe's error or no answer in time, is a {@link StripeFailureException}.
 */
public interface StripeGateway {
    /** The metadata key naming the deployment that created a session (and its payment intent). */
    String INSTANCE_METADATA_KEY = "coinpurse_instance";

    /**
     * A client of Stripe's API for {@code secretKey}; {@code apiBase} points it elsewhere (a fake, in
     * tests). Each attempt may take {@code timeout} to connect and as long to read; one retry (with
     * the same idempotency key, so it cannot create twice) bounds a call to about twice that.
     */
    static StripeGateway create(String secretKey, Optional<String> apiBase, Duration timeout) {
        return create(secretKey, apiBase, timeout, Meters.off().registry());
    }

    /** As {@link #create(String, Optional, Duration)}, timing each call on {@code meters}. */
    static StripeGateway create(String secretKey, Optional<String> apiBase, Duration timeout, MeterRegistry meters) {
        return StripeClientGateway.create(secretKey, apiBase, timeout, meters);
    }

    CheckoutSessionData createCheckoutSession(NewCheckoutSession request);

    /** Closes an open session, so that nobody can pay it any more. */
    CheckoutSessionData expireCheckoutSession(String sessionId);

    StripePrice retrievePrice(String priceId);

    CheckoutSessionData retrieveCheckoutSession(String sessionId);

    /**
     * Every Checkout Session created at or after {@code since}, newest first, fetching the next page
     * only when iteration reaches it. Any failure, on the first page or a later one, is a
     * {@link StripeFailureException}.
     */
    Iterable<CheckoutSessionData> listCheckoutSessions(Instant since);

    /**
     * Every event of {@code types} created at or after {@code since} (Stripe keeps 30 days), newest
     * first, read from its JSON like a webhook's, paged as {@link #listCheckoutSessions}.
     */
    Iterable<StripeEvent> listEvents(Instant since, List<String> types);

    /** Every refund of {@code paymentIntent}'s payment as it stands now, whatever its status, all pages read. */
    List<RefundData> listRefunds(String paymentIntent);

    /**
     * Refunds what is left of {@code paymentIntent}'s payment, for fraud. Stripe answers the same refund
     * to the same {@code idempotencyKey} (within 24 h), so a repeated call refunds once.
     */
    RefundData refundAsFraudulent(String paymentIntent, String idempotencyKey);

    /** The metadata of payment intent {@code paymentIntent} (empty when it has none). */
    Map<String, String> paymentIntentMetadata(String paymentIntent);
}
