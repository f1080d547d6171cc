package coinpurse;

import coinpurse.auth.UserAuth;
import coinpurse.config.Config;
import coinpurse.http.ErrorMapping;
import coinpurse.http.HealthController;
import coinpurse.http.JsonBodies;
import coinpurse.http.JsonMappers;
import coinpurse.payment.CheckoutController;
import coinpurse.payment.CheckoutRateLimiter;
import coinpurse.payment.Fulfilment;
import coinpurse.payment.PackageCatalog;
import coinpurse.payment.PaymentSessions;
import coinpurse.payment.ProcessedEvents;
import coinpurse.payment.RedirectUrls;
import coinpurse.payment.StatusController;
import coinpurse.payment.StripePollThrottle;
import coinpurse.payment.WebhookController;
import coinpurse.stripe.WebhookVerifier;
import coinpurse.wallet.Ledger;
import coinpurse.wallet.WalletController;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.time.Duration;

/** Wires the HTTP routes to their controllers. Main and the tests both start what this returns. */
public final class App {
    public static final long MAX_BODY_BYTES = 1024 * 1024;
    private static final Duration STRIPE_POLL_INTERVAL = Duration.ofSeconds(5);

    private App() {}

    public static Javalin create(AppDeps deps) {
        Config config = deps.config();
        ObjectMapper mapper = JsonMappers.create();
        JsonBodies json = new JsonBodies(mapper);
        UserAuth auth = new UserAuth(deps.tokens(), config.cookieName());
        Ledger ledger = new Ledger();
        PaymentSessions sessions = new PaymentSessions();
        Fulfilment fulfilment = new Fulfilment(sessions, ledger);

        HealthController health = new HealthController(deps.db(), deps.stripe().isPresent());
        CheckoutController checkout = new CheckoutController(deps.stripe(), auth,
                new PackageCatalog(config.packages()), new RedirectUrls(config.allowedRedirectOrigins()),
                config.successUrl(), config.cancelUrl(),
                new CheckoutRateLimiter(config.checkoutPerMinute(), deps.clock()),
                deps.db(), sessions, ledger, json);
        StatusController status = new StatusController(auth, deps.db(), sessions, ledger, fulfilment,
                deps.stripe(), new StripePollThrottle(STRIPE_POLL_INTERVAL, deps.clock()));
        WebhookController webhook = new WebhookController(new WebhookVerifier(config.stripeWebhookSecrets()),
                json, deps.db(), new ProcessedEvents(), fulfilment);
        WalletController wallet = new WalletController(auth, deps.db(), ledger);

        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.jetty.host = config.serverHost();
            cfg.jetty.port = config.serverPort();
            cfg.jetty.modifyHttpConfiguration(http -> http.setSendServerVersion(false));
            cfg.http.maxRequestSize = MAX_BODY_BYTES;
            cfg.jsonMapper(new JavalinJackson(mapper, false));
            if (!config.corsAllowedOrigins().isEmpty()) {
                cfg.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                    config.corsAllowedOrigins().forEach(origin -> rule.allowHost(origin));
                    rule.allowCredentials = true;
                }));
            }
            ErrorMapping.register(cfg.routes);
            cfg.routes.before(ctx -> ctx.header("X-Content-Type-Options", "nosniff"));

            cfg.routes.get("/health", health::health);
            cfg.routes.get("/api/payment/packages", checkout::packages);
            cfg.routes.post("/api/payment/create-checkout-session", checkout::create);
            cfg.routes.get("/api/payment/status/{session_id}", status::status);
            cfg.routes.post("/api/payment/webhook", webhook::receive);
            cfg.routes.get("/api/coins/balance", wallet::balance);
            cfg.routes.get("/api/coins/history", wallet::history);
        });
    }
}
