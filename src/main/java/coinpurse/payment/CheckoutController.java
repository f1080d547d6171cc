package coinpurse.payment;

import coinpurse.auth.UserAuth;
import coinpurse.db.Database;
import coinpurse.db.Timestamps;
import coinpurse.http.ApiException;
import coinpurse.http.JsonBodies;
import coinpurse.http.TooManyRequestsException;
import coinpurse.stripe.CheckoutSessionData;
import coinpurse.stripe.NewCheckoutSession;
import coinpurse.stripe.StripeFailureException;
import coinpurse.stripe.StripeGateway;
import coinpurse.wallet.Ledger;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /api/payment/create-checkout-session}: a Stripe Checkout Session for one package. */
public final class CheckoutController {
    private static final Logger log = LoggerFactory.getLogger(CheckoutController.class);

    public record Answer(String sessionId, String checkoutUrl) {}

    private final Optional<StripeGateway> stripe;
    private final UserAuth auth;
    private final PackageCatalog catalog;
    private final RedirectUrls redirects;
    private final String defaultSuccessUrl;
    private final String defaultCancelUrl;
    private final CheckoutRateLimiter rateLimiter;
    private final Database db;
    private final PaymentSessions sessions;
    private final Ledger ledger;
    private final JsonBodies json;
    private final String instanceId;

    public CheckoutController(Optional<StripeGateway> stripe, UserAuth auth, PackageCatalog catalog,
            RedirectUrls redirects, String defaultSuccessUrl, String defaultCancelUrl,
            CheckoutRateLimiter rateLimiter, Database db, PaymentSessions sessions, Ledger ledger,
            JsonBodies json, String instanceId) {
        this.stripe = stripe;
        this.auth = auth;
        this.catalog = catalog;
        this.redirects = redirects;
        this.defaultSuccessUrl = defaultSuccessUrl;
        this.defaultCancelUrl = defaultCancelUrl;
        this.rateLimiter = rateLimiter;
        this.db = db;
        this.sessions = sessions;
        this.ledger = ledger;
        this.json = json;
        this.instanceId = instanceId;
    }

    public void packages(Context ctx) {
        ctx.json(Map.of("packages", catalog.all().stream().map(PackageView::of).toList()));
    }

    public void create(Context ctx) {
        StripeGateway gateway = stripe.orElseThrow(() -> ApiException.notConfigured(
                "Payments are not configured: set stripe.secret_key (STRIPE_SECRET_KEY)."));
        String userId = auth.requireUser(ctx);
        CheckoutRequest request = CheckoutRequest.parse(json.read(ctx), catalog);
        String successUrl = redirects.successUrl(request.successUrl().orElse(defaultSuccessUrl), "success_url");
        String cancelUrl = redirects.requireAllowed(request.cancelUrl().orElse(defaultCancelUrl), "cancel_url");
        rateLimiter.tryAcquire(userId).ifPresent(this::tooManyRequests);

        CoinPackage pack = request.coinPackage();
        CheckoutSessionData created = gateway.createCheckoutSession(
                new NewCheckoutSession(userId, pack, successUrl, cancelUrl, instanceId));
        refuseIfPricedOtherwise(gateway, pack, created);
        db.inTransaction(connection -> {
            ledger.ensureUser(connection, userId);
            sessions.insert(connection, new PaymentSession(created.id(), userId, pack.id(), pack.priceCents(),
                    pack.currency().toLowerCase(Locale.ROOT), pack.coins(), pack.bonus(), SessionStatus.PENDING,
                    null, Timestamps.now()));
            return null;
        });
        log.info("checkout session={} user={} package={} amount={} {}", created.id(), userId, pack.id(),
                pack.priceCents(), pack.currency());
        ctx.json(new Answer(created.id(), created.url()));
    }

    /**
     * A package sold at a Stripe Price is charged what that Price says, whatever the catalog says:
     * a session that would charge another amount is closed before anyone can pay it, and nothing is
     * recorded (else the payment would be refused as a mismatch and its coins never credited).
     */
    private static void refuseIfPricedOtherwise(StripeGateway gateway, CoinPackage pack, CheckoutSessionData created) {
        boolean matches = created.amountTotal() != null && created.amountTotal() == pack.priceCents()
                && pack.currency().equalsIgnoreCase(created.currency());
        if (matches) {
            return;
        }
        log.error("package {} is misconfigured: Stripe would charge {} {} for session {} but the catalog says {} {};"
                + " the session is expired", pack.id(), created.amountTotal(), created.currency(), created.id(),
                pack.priceCents(), pack.currency());
        try {
            gateway.expireCheckoutSession(created.id());
        } catch (StripeFailureException e) {
            log.error("could not expire session {}; it expires by itself within 24 hours", created.id(), e);
        }
        throw new ApiException(502, "package_misconfigured", "Package '" + pack.id() + "' is misconfigured: its"
                + " Stripe Price does not charge the catalog's " + Money.fromCents(pack.priceCents()).toPlainString()
                + " " + pack.currency() + ". Nothing was charged.");
    }

    private void tooManyRequests(Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        throw new TooManyRequestsException(seconds);
    }

    /** One package as the client sees it. */
    public record PackageView(String id, String name, long coins, long bonus,
            java.math.BigDecimal priceUsd, String currency) {
        static PackageView of(CoinPackage p) {
            return new PackageView(p.id(), p.name(), p.coins(), p.bonus(), p.priceUsd(), p.currency());
        }
    }
}
