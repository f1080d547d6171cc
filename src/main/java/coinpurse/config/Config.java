package coinpurse.config;

import coinpurse.catalog.CoinPackage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every setting of SPEC.md's configuration table, validated and typed. */
public record Config(
        String serverHost,
        int serverPort,
        Path dbPath,
        DatabaseAccess dbAccess,
        Optional<String> stripeSecretKey,
        List<String> stripeWebhookSecrets,
        Optional<String> stripeApiBase,
        Duration stripeTimeout,
        boolean refundEarlyFraudWarnings,
        Optional<String> jwtSecret,
        Optional<String> cookieName,
        List<String> allowedRedirectOrigins,
        String successUrl,
        String cancelUrl,
        List<String> corsAllowedOrigins,
        Optional<String> internalApiKey,
        Optional<String> instanceId,
        int checkoutPerMinute,
        List<CoinPackage> packages,
        boolean metricsEnabled,
        boolean demo,
        boolean stripeSandbox,
        long holdsMaxSeconds,
        Optional<String> eventsWebhookUrl,
        Optional<String> eventsWebhookSecret) {

    public Config {
        stripeWebhookSecrets = List.copyOf(stripeWebhookSecrets);
        allowedRedirectOrigins = List.copyOf(allowedRedirectOrigins);
        corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
        packages = List.copyOf(packages);
    }

    /** True when {@code db.url} names PostgreSQL; else the data is the SQLite file at {@code dbPath}. */
    public boolean usesPostgres() {
        return dbAccess.postgresUrl().isPresent();
    }

    /** True for a live-mode key ({@code sk_live_}, {@code rk_live_}); empty without a key. */
    public Optional<Boolean> stripeLivemode() {
        return stripeSecretKey.map(key -> key.startsWith("sk_live_") || key.startsWith("rk_live_"));
    }
}
