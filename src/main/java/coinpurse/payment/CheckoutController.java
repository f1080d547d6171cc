package coinpurse.payment;

import coinpurse.auth.UserAuth;
import coinpurse.db.Database;
import coinpurse.db.Timestamps;
import coinpurse.http.ApiException;
import coinpurse.http.JsonBodies;
import coinpurse.http.TooManyRequestsException;
import coinpurse.stripe.CheckoutSessionData;
import coinpurse.stripe.NewCheckoutSession;
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

    public CheckoutController(Optional<StripeGateway> stripe, UserAuth auth, PackageCatalog catalog,
            RedirectUrls redirects, String defaultSuccessUrl, String defaultCancelUrl,
            CheckoutRateLimiter rateLimiter, Database db, PaymentSessions sessions, Ledger ledger,
            JsonBodies json) {
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
                new NewCheckoutSession(userId, pack, successUrl, cancelUrl));
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
