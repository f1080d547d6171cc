package coinpurse.sandbox;

import coinpurse.catalog.CoinPackage;
import coinpurse.stripe.CheckoutSessionData;
import coinpurse.stripe.NewCheckoutSession;
import coinpurse.stripe.RefundData;
import coinpurse.stripe.StripeEvent;
import coinpurse.stripe.StripeFailureException;
import coinpurse.stripe.StripeGateway;
import coinpurse.stripe.StripePrice;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.exception.InvalidRequestException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link StripeGateway} answered by the sandbox's own Stripe ({@link SandboxStripe}), for a shop
 * with no Stripe account and no network: every method answers from the sandbox's state, as Stripe
 * would from its own. A package's {@code stripe_price_id} names a Price that charges the package's
 * catalog price. What Stripe would refuse is a {@link StripeFailureException} carrying Stripe's
 * error (a 404 for an unknown object), and the events a call makes are sent without waiting: the
 * caller may be handling a webhook itself.
 */
final class SandboxGateway implements StripeGateway {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SandboxStripe stripe;
    private final Supplier<String> pagesBase;
    private final Consumer<List<SandboxEvent>> sendLater;
    private final List<CoinPackage> catalog;

    SandboxGateway(SandboxStripe stripe, Supplier<String> pagesBase, Consumer<List<SandboxEvent>> sendLater,
            List<CoinPackage> catalog) {
        this.stripe = stripe;
        this.pagesBase = pagesBase;
        this.sendLater = sendLater;
        this.catalog = List.copyOf(catalog);
    }

    @Override
    public CheckoutSessionData createCheckoutSession(NewCheckoutSession request) {
        return toData(stripe.create(request, pagesBase.get()));
    }

    @Override
    public CheckoutSessionData expireCheckoutSession(String sessionId) {
        try {
            sendLater.accept(stripe.expire(sessionId));
        } catch (SandboxConflictException e) {
            throw failure("expiring Checkout Session " + sessionId + " failed", e);
        }
        return retrieveCheckoutSession(sessionId);
    }

    @Override
    public StripePrice retrievePrice(String priceId) {
        return catalog.stream()
                .filter(pack -> priceId.equals(pack.stripePriceId()))
                .findFirst()
                .map(pack -> new StripePrice(pack.priceCents(), pack.currency().toLowerCase(Locale.ROOT)))
                .orElseThrow(() -> notFound("price", priceId));
    }

    @Override
    public CheckoutSessionData retrieveCheckoutSession(String sessionId) {
        return stripe.session(sessionId).map(SandboxGateway::toData)
                .orElseThrow(() -> notFound("checkout.session", sessionId));
    }

    @Override
    public Iterable<CheckoutSessionData> listCheckoutSessions(Instant since) {
        return stripe.sessionsSince(since).stream().map(SandboxGateway::toData).toList();
    }

    @Override
    public Iterable<StripeEvent> listEvents(Instant since, List<String> types) {
        return stripe.eventsSince(since, types).stream().map(SandboxGateway::toEvent).toList();
    }

    @Override
    public List<RefundData> listRefunds(String paymentIntent) {
        SandboxPayment payment = stripe.payment(paymentIntent)
                .orElseThrow(() -> notFound("payment_intent", paymentIntent));
        return payment.refunds().stream()
                .sorted(Comparator.comparing(SandboxRefund::created).reversed())
                .map(refund -> toData(payment, refund))
                .toList();
    }

    @Override
    public RefundData refundAsFraudulent(String paymentIntent, String idempotencyKey) {
        SandboxStripe.Refunded refunded;
        try {
            refunded = stripe.refundRest(paymentIntent, idempotencyKey);
        } catch (SandboxConflictException e) {
            throw failure("refunding payment intent " + paymentIntent + " failed", e);
        }
        sendLater.accept(refunded.events());
        return toData(stripe.payment(paymentIntent).orElseThrow(), refunded.refund());
    }

    @Override
    public Map<String, String> paymentIntentMetadata(String paymentIntent) {
        return stripe.payment(paymentIntent).map(SandboxPayment::metadata)
                .orElseThrow(() -> notFound("payment_intent", paymentIntent));
    }

    static CheckoutSessionData toData(SandboxSession session) {
        return new CheckoutSessionData(session.id(), session.isOpen() ? session.url() : null, session.status(),
                session.paymentStatus(), session.amount(), session.currency(), session.userId(), session.metadata(),
                session.paymentIntent());
    }

    private static RefundData toData(SandboxPayment payment, SandboxRefund refund) {
        return new RefundData(refund.id(), payment.paymentIntent(), refund.amount(),
                payment.currency(), refund.status());
    }

    private static StripeEvent toEvent(SandboxEvent event) {
        try {
            return StripeEvent.fromJson(JSON.readTree(event.json())).orElseThrow();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the sandbox made an unreadable event " + event.id(), e);
        }
    }

    /** Stripe's answer to an unknown id: a 404 {@code resource_missing}, which {@link StripeFailureException#isNotFound} knows. */
    private static StripeFailureException notFound(String kind, String id) {
        String message = "No such " + kind + ": '" + id + "' (the sandbox forgets its objects when the server restarts)";
        return new StripeFailureException("the sandbox has no " + kind + " " + id,
                new InvalidRequestException(message, "id", null, "resource_missing", 404, null));
    }

    private static StripeFailureException failure(String what, SandboxConflictException e) {
        int status = "resource_missing".equals(e.code()) ? 404 : 400;
        return new StripeFailureException(what, new InvalidRequestException(e.getMessage(), null, null, e.code(),
                status, e));
    }
}
