package coinpurse.demo;

import coinpurse.config.Config;
import coinpurse.config.Origins;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the start log warns about the demo page (WARN lines), so that the first click on Buy does
 * not fail unexplained: no way to pay (no Stripe key and no sandbox), and the page's own origin not
 * among the redirect origins Checkout may return to (the sandbox allows loopback origins itself).
 */
public final class DemoStartWarnings {
    private static final Set<String> EVERY_INTERFACE = Set.of("0.0.0.0", "::", "[::]");

    private DemoStartWarnings() {}

    /** The warnings for a server started with {@code config}, listening on {@code port}; none without the demo. */
    public static List<String> of(Config config, int port) {
        List<String> warnings = new ArrayList<>();
        if (!config.demo() || config.stripeSandbox()) {
            return warnings;
        }
        if (config.stripeSecretKey().isEmpty()) {
            warnings.add("app.demo: Buy will answer 503: neither stripe.secret_key nor stripe.sandbox is set; start"
                    + " with STRIPE_SANDBOX=true to buy with no Stripe account, or set STRIPE_SECRET_KEY=sk_test_…");
        }
        List<String> ownOrigins = ownOrigins(config.serverHost(), port);
        if (ownOrigins.stream().noneMatch(config.allowedRedirectOrigins()::contains)) {
            warnings.add("app.demo: Buy will answer 400 unless the page's own origin is in"
                    + " app.allowed_redirect_origins (Checkout returns there), which lists only "
                    + String.join(",", config.allowedRedirectOrigins()) + "; add e.g. " + ownOrigins.get(0)
                    + " (APP_ALLOWED_REDIRECT_ORIGINS=" + String.join(",", config.allowedRedirectOrigins()) + ","
                    + ownOrigins.get(0) + "), or use STRIPE_SANDBOX=true, which allows loopback origins");
        }
        return warnings;
    }

    /** The addresses a browser on this machine opens the page at, and the listening host's own. */
    private static List<String> ownOrigins(String host, int port) {
        List<String> origins = new ArrayList<>(List.of(origin("localhost", port), origin("127.0.0.1", port)));
        if (!EVERY_INTERFACE.contains(host)) {
            String own = origin(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host, port);
            if (!origins.contains(own)) {
                origins.add(own);
            }
        }
        return origins;
    }

    private static String origin(String urlHost, int port) {
        return Origins.of(URI.create("http://" + urlHost + ":" + port));
    }
}
