package coinpurse.checkout;

import coinpurse.auth.UserAuth;
import coinpurse.catalog.CoinPackage;
import coinpurse.catalog.PackageCatalog;
import coinpurse.http.ApiException;
import coinpurse.http.JsonBodies;
import coinpurse.stripe.CheckoutSessionData;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

/** {@code GET /api/payment/packages} and {@code POST /api/payment/create-checkout-session}. */
public final class CheckoutController {

    public record Answer(String sessionId, String checkoutUrl) {}

    /** One package as the client sees it. */
    public record PackageView(String id, String name, long coins, long bonus, BigDecimal priceUsd, String currency) {
        static PackageView of(CoinPackage p) {
            return new PackageView(p.id(), p.name(), p.coins(), p.bonus(), p.priceUsd(), p.currency());
        }
    }

    private final Optional<Checkout> checkout;
    private final UserAuth auth;
    private final PackageCatalog catalog;
    private final JsonBodies json;

    /** {@code checkout} is empty without a Stripe key: creating sessions then answers 503. */
    public CheckoutController(Optional<Checkout> checkout, UserAuth auth, PackageCatalog catalog, JsonBodies json) {
        this.checkout = checkout;
        this.auth = auth;
        this.catalog = catalog;
        this.json = json;
    }

    public void packages(Context ctx) {
        ctx.json(Map.of("packages", catalog.all().stream().map(PackageView::of).toList()));
    }

    public void create(Context ctx) {
        Checkout payments = checkout.orElseThrow(() -> ApiException.notConfigured(
                "Payments are not configured: set stripe.secret_key (STRIPE_SECRET_KEY), or"
                        + " stripe.sandbox=true (STRIPE_SANDBOX) to try them with no Stripe account."));
        String userId = auth.requireUser(ctx);
        CheckoutSessionData created = payments.start(userId, CheckoutRequest.parse(json.read(ctx), catalog));
        ctx.json(new Answer(created.id(), created.url()));
    }
}
