package coinpurse.config;

import coinpurse.payment.CoinPackage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Every setting of SPEC.md's configuration table, validated and typed. */
public record Config(
        String serverHost,
        int serverPort,
        Path dbPath,
        Optional<String> stripeSecretKey,
        List<String> stripeWebhookSecrets,
        Optional<String> stripeApiBase,
        Optional<String> jwtSecret,
        Optional<String> cookieName,
        List<String> allowedRedirectOrigins,
        String successUrl,
        String cancelUrl,
        List<String> corsAllowedOrigins,
        Optional<String> internalApiKey,
        int checkoutPerMinute,
        List<CoinPackage> packages) {

    public Config {
        stripeWebhookSecrets = List.copyOf(stripeWebhookSecrets);
        allowedRedirectOrigins = List.copyOf(allowedRedirectOrigins);
        corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
        packages = List.copyOf(packages);
    }
}
