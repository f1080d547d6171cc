package coinpurse.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import com.stripe.param.checkout.SessionCreateParams;
import com.stripe.param.checkout.SessionCreateParams.LineItem;
import com.stripe.param.checkout.SessionCreateParams.LineItem.PriceData;
import com.stripe.param.checkout.SessionListParams;
import coinpurse.payment.CoinPackage;
import java.time.Duration;
import java.util.Optional;
import java.time.Instant;
import java.util.Iterator;

/** coinpurse's narrow door to Stripe's API: create, look up and list Checkout Sessions. */
public final class StripeGateway {
    /** Stripe's largest page: fewest round trips when listing. */
    private static final long LIST_PAGE_SIZE = 100;

    private final StripeClient client;

    public StripeGateway(StripeClient client) {
        this.client = client;
    }

    /**
     * A client for {@code secretKey}; {@code apiBase} points it elsewhere (a fake, in tests).
     * Each attempt may take {@code timeout} to connect and as long to read; one retry (with the
     * same idempotency key, so it cannot create twice) bounds a call to about twice that.
     */
    public static StripeGateway create(String secretKey, Optional<String> apiBase, Duration timeout) {
        int millis = Math.toIntExact(timeout.toMillis());
        StripeClient.StripeClientBuilder builder = new StripeClient.StripeClientBuilder()
                .setApiKey(secretKey)
                .setConnectTimeout(millis)
                .setReadTimeout(millis)
                .setMaxNetworkRetries(1);
        apiBase.ifPresent(builder::setApiBase);
        return new StripeGateway(builder.build());
    }

    public CheckoutSessionData createCheckoutSession(NewCheckoutSession request) {
        CoinPackage pack = request.coinPackage();
        SessionCreateParams params = SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .setSuccessUrl(request.successUrl())
                .setCancelUrl(request.cancelUrl())
                .setClientReferenceId(request.userId())
                .putMetadata("user_id", request.userId())
                .putMetadata("package_id", pack.id())
                .putMetadata("coins", Long.toString(pack.coins()))
                .putMetadata("bonus", Long.toString(pack.bonus()))
                .addLineItem(lineItemFor(pack))
                .build();
        try {
            return toData(client.v1().checkout().sessions().create(params));
        } catch (StripeException | RuntimeException e) {
            throw new StripeFailureException("creating a Checkout Session failed", e);
        }
    }

    public CheckoutSessionData retrieveCheckoutSession(String sessionId) {
        try {
            return toData(client.v1().checkout().sessions().retrieve(sessionId));
        } catch (StripeException | RuntimeException e) {
            throw new StripeFailureException("retrieving Checkout Session " + sessionId + " failed", e);
        }
    }

    /**
     * Every Checkout Session created at or after {@code since}, newest first, fetching the
     * next page from Stripe only when iteration reaches it. Any failure, on the first page
     * or a later one, is a {@link StripeFailureException}.
     */
    public Iterable<CheckoutSessionData> listCheckoutSessions(Instant since) {
        SessionListParams params = SessionListParams.builder()
                .setCreated(SessionListParams.Created.builder().setGte(since.getEpochSecond()).build())
                .setLimit(LIST_PAGE_SIZE)
                .build();
        Iterable<Session> pages;
        try {
            pages = client.v1().checkout().sessions().list(params).autoPagingIterable();
        } catch (StripeException | RuntimeException e) {
            throw new StripeFailureException("listing Checkout Sessions failed", e);
        }
        return () -> {
            Iterator<Session> sessions = pages.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return sessions.hasNext();
                }

                @Override
                public CheckoutSessionData next() {
                    try {
                        return toData(sessions.next());
                    } catch (RuntimeException e) {
                        // stripe-java wraps a failed next page in a bare RuntimeException.
                        throw new StripeFailureException("listing Checkout Sessions failed on a later page",
                                e.getCause() instanceof StripeException stripe ? stripe : e);
                    }
                }
            };
        };
    }

    private static LineItem lineItemFor(CoinPackage pack) {
        LineItem.Builder item = LineItem.builder().setQuantity(1L);
        if (pack.stripePriceId() != null) {
            return item.setPrice(pack.stripePriceId()).build();
        }
        return item.setPriceData(PriceData.builder()
                        .setCurrency(pack.currency())
                        .setUnitAmount(pack.priceCents())
                        .setProductData(PriceData.ProductData.builder()
                                .setName(pack.name())
                                .setDescription(describe(pack))
                                .build())
                        .build())
                .build();
    }

    private static String describe(CoinPackage pack) {
        return pack.bonus() == 0
                ? pack.coins() + " coins"
                : pack.coins() + " coins + " + pack.bonus() + " bonus";
    }

    private static CheckoutSessionData toData(Session session) {
        return new CheckoutSessionData(
                session.getId(),
                session.getUrl(),
                session.getStatus(),
                session.getPaymentStatus(),
                session.getAmountTotal(),
                session.getCurrency(),
                session.getClientReferenceId(),
                session.getMetadata() == null ? java.util.Map.of() : session.getMetadata(),
                session.getPaymentIntent());
    }
}
