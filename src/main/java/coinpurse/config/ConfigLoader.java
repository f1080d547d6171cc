package coinpurse.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the settings of SPEC.md's configuration table into a {@link Config}.
 *
 * <p>The text comes from {@link SettingsSources} (the file, the built-in packages, the environment
 * over them); each value is then checked and typed by one of the {@code *Settings} readers, so
 * that a mistake stops the start with one line naming the key, instead of failing later in a
 * request. A secret's value never appears in a message.
 */
public final class ConfigLoader {
    public static final String DEFAULT_FILE_NAME = "config.properties";

    private static final String DEFAULT_ORIGIN = "http://localhost:5173";
    private static final String DEFAULT_SUCCESS_URL =
            DEFAULT_ORIGIN + "/payment/success?session_id={CHECKOUT_SESSION_ID}";
    private static final String DEFAULT_CANCEL_URL = DEFAULT_ORIGIN + "/payment/cancel";

    private ConfigLoader() {}

    /** Loads with {@code config.properties} looked for in the process's working directory. */
    public static Config load(Optional<Path> configFile, Map<String, String> env) {
        return load(configFile, env, Path.of(""));
    }

    /**
     * @param configFile the {@code --config} file; when empty, {@code workingDir/config.properties}
     *     is read if it exists
     * @param env the environment, normally {@code System.getenv()}
     * @throws ConfigException naming the first key that is unknown, missing or malformed
     */
    public static Config load(Optional<Path> configFile, Map<String, String> env, Path workingDir) {
        Settings s = SettingsSources.read(configFile, env, workingDir);
        // Read first: the success and cancel URLs are checked against these origins.
        List<String> redirectOrigins = UrlSettings.origins(s, "app.allowed_redirect_origins", DEFAULT_ORIGIN);
        boolean sandbox = FlagSettings.flag(s, SandboxSettings.KEY, false);
        Config config = new Config(
                s.get("server.host").orElse(sandbox ? SandboxSettings.DEFAULT_HOST : "0.0.0.0"),
                NumberSettings.port(s, "server.port", 5000),
                DatabaseSettings.sqlitePath(s, "db.path", "db.url", "data/coinpurse.db"),
                DatabaseSettings.access(s, "db.url", "db.user", "db.password", "db.pool_size"),
                SecretSettings.stripeSecretKey(s, "stripe.secret_key"),
                SecretSettings.webhookSecrets(s, "stripe.webhook_secret"),
                UrlSettings.apiBase(s, "stripe.api_base"),
                NumberSettings.seconds(s, "stripe.timeout_seconds", 5, 1, 120),
                FlagSettings.flag(s, "stripe.refund_early_fraud_warnings", false),
                SecretSettings.jwtSecret(s, "auth.jwt_secret"),
                TextSettings.cookieName(s, "auth.cookie_name"),
                redirectOrigins,
                UrlSettings.redirectUrl(s, "app.success_url", DEFAULT_SUCCESS_URL, redirectOrigins),
                UrlSettings.redirectUrl(s, "app.cancel_url", DEFAULT_CANCEL_URL, redirectOrigins),
                UrlSettings.origins(s, "cors.allowed_origins", DEFAULT_ORIGIN),
                SecretSettings.internalApiKey(s, "internal.api_key"),
                TextSettings.instanceId(s, "app.instance_id"),
                NumberSettings.positiveInt(s, "ratelimit.checkout_per_minute", 10),
                CatalogSettings.packages(s),
                FlagSettings.flag(s, "metrics.enabled", false),
                FlagSettings.flag(s, "app.demo", false),
                sandbox,
                NumberSettings.seconds(s, "holds.max_seconds", 3600, 1, 30 * 24 * 3600).toSeconds(),
                UrlSettings.endpoint(s, "events.webhook_url"),
                SecretSettings.standardWebhooksSecret(s, "events.webhook_secret", "events.webhook_url"));
        SandboxSettings.check(config);
        if (config.usesPostgres() && config.jwtSecret().isEmpty()) {
            // A generated secret would be one per machine: tokens made for one instance refused by another.
            throw new ConfigException("auth.jwt_secret: must be set when db.url is PostgreSQL, so that every"
                    + " instance verifies the same tokens");
        }
        if (config.metricsEnabled() && config.internalApiKey().isEmpty()) {
            // Metrics tell sales and users' activity: never served to whoever asks.
            throw new ConfigException("metrics.enabled: needs internal.api_key (INTERNAL_API_KEY), the key that"
                    + " Prometheus sends as 'Authorization: Bearer <key>' to read /metrics");
        }
        if (config.demo() && config.stripeLivemode().orElse(false)) {
            // The demo page signs in with pasted test tokens: with a live key it would take real money.
            throw new ConfigException("app.demo: the demo page is never served with a live Stripe key"
                    + " (stripe.secret_key is sk_live_/rk_live_): use a test key, or set app.demo=false");
        }
        return config;
    }
}
