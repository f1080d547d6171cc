package coinpurse.stripe;

import coinpurse.catalog.CoinPackage;
import com.stripe.Stripe;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Price;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.EventListParams;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.RefundListParams;
import com.stripe.param.checkout.SessionCreateParams.LineItem;
import com.stripe.param.checkout.SessionCreateParams;
import com.stripe.param.checkout.SessionListParams;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** {@link StripeGateway} through stripe-java's {@link StripeClient}: Stripe's API, or a fake of it at another base. */
public final class StripeClientGateway implements StripeGateway {
    /** Stripe's largest page: fewest round trips when listing. */
    private static final long LIST_PAGE_SIZE = 100;

    private final StripeClient client;
    private final StripeCallMetrics metrics;
    /** Where the client sends its requests, for the message when it gets no answer. */
    private final String apiBase;

    /** A gateway to Stripe's own API that times each call on {@code meters}. */
    public StripeClientGateway(StripeClient client, MeterRegistry meters) {
        this(client, Stripe.LIVE_API_BASE, meters);
    }

    /** A gateway whose {@code client} sends its requests to {@code apiBase}. */
    public StripeClientGateway(StripeClient client, String apiBase, MeterRegistry meters) {
        this.client = client;
        this.apiBase = apiBase;
        this.metrics = new StripeCallMetrics(meters);
    }

    /**
     * A client for {@code secretKey}; {@code apiBase} points it elsewhere (a fake, in tests).
     * Each attempt may take {@code timeout} to connect and as long to read; one retry (with the
     * same idempotency key, so it cannot create twice) bounds a call to about twice that.
     */
    public static StripeClientGateway create(String secretKey, Optional<String> apiBase, Duration timeout,
            MeterRegistry meters) {
        int millis = Math.toIntExact(timeout.toMillis());
        StripeClient.StripeClientBuilder builder = new StripeClient.StripeClientBuilder()
                .setApiKey(secretKey)
                .setConnectTimeout(millis)
                .setReadTimeout(millis)
                .setMaxNetworkRetries(1);
        apiBase.ifPresent(builder::setApiBase);
        return new StripeClientGateway(builder.build(), apiBase.orElse(Stripe.LIVE_API_BASE), meters);
    }

    @Override
    public CheckoutSessionData createCheckoutSession(NewCheckoutSession request) {
        CoinPackage pack = request.coinPackage();
        Map<String, String> metadata = request.metadata();
        SessionCreateParams params = SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .setSuccessUrl(request.successUrl())
                .setCancelUrl(request.cancelUrl())
                .setClientReferenceId(request.userId())
                .putAllMetadata(metadata)
                .setPaymentIntentData(SessionCreateParams.PaymentIntentData.builder()
                        .putAllMetadata(metadata)
                        .build())
                .addLineItem(StripeObjects.lineItemFor(pack))
                .build();
        try {
            return StripeObjects.toData(timed("create_checkout_session",
                    () -> client.v1().checkout().sessions().create(params)));
        } catch (StripeException | RuntimeException e) {
            throw failure("creating a Checkout Session", e);
        }
    }

    /** Closes an open session, so that nobody can pay it any more. */
    @Override
    public CheckoutSessionData expireCheckoutSession(String sessionId) {
        try {
            return StripeObjects.toData(timed("expire_checkout_session",
                    () -> client.v1().checkout().sessions().expire(sessionId)));
        } catch (StripeException | RuntimeException e) {
            throw failure("expiring Checkout Session " + sessionId, e);
        }
    }

    @Override
    public StripePrice retrievePrice(String priceId) {
        try {
            Price price = timed("retrieve_price", () -> client.v1().prices().retrieve(priceId));
            return new StripePrice(price.getUnitAmount(), price.getCurrency());
        } catch (StripeException | RuntimeException e) {
            throw failure("retrieving Price " + priceId, e);
        }
    }

    @Override
    public CheckoutSessionData retrieveCheckoutSession(String sessionId) {
        try {
            return StripeObjects.toData(timed("retrieve_checkout_session",
                    () -> client.v1().checkout().sessions().retrieve(sessionId)));
        } catch (StripeException | RuntimeException e) {
            throw failure("retrieving Checkout Session " + sessionId, e);
        }
    }

    /**
     * Every Checkout Session created at or after {@code since}, newest first, fetching the
     * next page from Stripe only when iteration reaches it. Any failure, on the first page
     * or a later one, is a {@link StripeFailureException}.
     */
    @Override
    public Iterable<CheckoutSessionData> listCheckoutSessions(Instant since) {
        SessionListParams params = SessionListParams.builder()
                .setCreated(SessionListParams.Created.builder().setGte(since.getEpochSecond()).build())
                .setLimit(LIST_PAGE_SIZE)
                .build();
        return paged("Checkout Sessions", () -> timed("list_checkout_sessions",
                () -> client.v1().checkout().sessions().list(params)).autoPagingIterable(), StripeObjects::toData);
    }

    /**
     * Every event of {@code types} created at or after {@code since} (Stripe keeps 30 days),
     * newest first, read from its JSON like a webhook's, paged as {@link #listCheckoutSessions}.
     */
    @Override
    public Iterable<StripeEvent> listEvents(Instant since, List<String> types) {
        EventListParams params = EventListParams.builder()
                .setCreated(EventListParams.Created.builder().setGte(since.getEpochSecond()).build())
                .addAllType(types)
                .setLimit(LIST_PAGE_SIZE)
                .build();
        return paged("events", () -> timed("list_events", () -> client.v1().events().list(params)).autoPagingIterable(),
                StripeObjects::toEvent);
    }

    @Override
    public List<RefundData> listRefunds(String paymentIntent) {
        RefundListParams params = RefundListParams.builder().setPaymentIntent(paymentIntent).setLimit(LIST_PAGE_SIZE)
                .build();
        List<RefundData> refunds = new ArrayList<>();
        paged("refunds of " + paymentIntent, () -> timed("list_refunds",
                () -> client.v1().refunds().list(params)).autoPagingIterable(), StripeObjects::toData)
                .forEach(refunds::add);
        return refunds;
    }

    @Override
    public RefundData refundAsFraudulent(String paymentIntent, String idempotencyKey) {
        RefundCreateParams params = RefundCreateParams.builder()
                .setPaymentIntent(paymentIntent)
                .setReason(RefundCreateParams.Reason.FRAUDULENT)
                .build();
        RequestOptions options = RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
        try {
            return StripeObjects.toData(timed("create_refund", () -> client.v1().refunds().create(params, options)));
        } catch (StripeException | RuntimeException e) {
            throw failure("refunding payment intent " + paymentIntent, e);
        }
    }

    @Override
    public Map<String, String> paymentIntentMetadata(String paymentIntent) {
        try {
            PaymentIntent intent = timed("retrieve_payment_intent",
                    () -> client.v1().paymentIntents().retrieve(paymentIntent));
            return intent.getMetadata() == null ? Map.of() : Map.copyOf(intent.getMetadata());
        } catch (StripeException | RuntimeException e) {
            throw failure("retrieving payment intent " + paymentIntent, e);
        }
    }

    private interface StripeCall<T> {
        T run() throws StripeException;
    }

    /** Runs one call to Stripe and records its time and outcome (of a list: its first page only). */
    private <T> T timed(String operation, StripeCall<T> call) throws StripeException {
        long started = System.nanoTime();
        String outcome = StripeCallMetrics.OK;
        try {
            return call.run();
        } catch (StripeException | RuntimeException e) {
            outcome = StripeCallMetrics.outcomeOf(e);
            throw e;
        } finally {
            metrics.record(operation, outcome, System.nanoTime() - started);
        }
    }

    private interface FirstPage<T> {
        Iterable<T> fetch() throws StripeException;
    }

    private StripeFailureException failure(String what, Throwable e) {
        return StripeFailureException.of(what, e, apiBase);
    }

    private <T, R> Iterable<R> paged(String what, FirstPage<T> firstPage, Function<T, R> convert) {
        Iterable<T> pages;
        try {
            pages = firstPage.fetch();
        } catch (StripeException | RuntimeException e) {
            throw failure("listing " + what, e);
        }
        return () -> {
            Iterator<T> items = pages.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    try {
                        return items.hasNext();
                    } catch (RuntimeException e) {
                        throw laterPageFailed(what, e);
                    }
                }

                @Override
                public R next() {
                    try {
                        return convert.apply(items.next());
                    } catch (RuntimeException e) {
                        throw laterPageFailed(what, e);
                    }
                }
            };
        };
    }

    /** stripe-java wraps a failed next page in a bare RuntimeException. */
    private StripeFailureException laterPageFailed(String what, RuntimeException e) {
        if (e instanceof StripeFailureException already) {
            return already;
        }
        return failure("listing " + what + " (a later page)",
                e.getCause() instanceof StripeException stripe ? stripe : e);
    }
}
