package coinpurse.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The keys of SPEC.md's configuration table. A key that is not one of them stops the start,
 * with a "did you mean" when it looks like a typo, rather than being silently ignored.
 */
final class KnownKeys {
    private static final List<String> KEYS = List.of(
            "server.host", "server.port", "db.path", "db.url", "db.user", "db.password", "db.pool_size",
            "stripe.secret_key", "stripe.webhook_secret", "stripe.api_base", "stripe.timeout_seconds", "stripe.sandbox",
            "stripe.refund_early_fraud_warnings",
            "auth.jwt_secret", "auth.cookie_name",
            "app.allowed_redirect_origins", "app.success_url", "app.cancel_url",
            "cors.allowed_origins", "internal.api_key", "app.instance_id", "ratelimit.checkout_per_minute",
            "metrics.enabled", "holds.max_seconds", "events.webhook_url", "events.webhook_secret",
            "app.demo");
    private static final String PACKAGE_PREFIX = "packages.";
    private static final List<String> PACKAGE_FIELDS =
            List.of("coins", "bonus", "price_usd", "name", "currency", "stripe_price_id");
    private static final Pattern PACKAGE_ID = Pattern.compile("[a-z0-9_-]{1,64}");

    private KnownKeys() {}

    /**
     * Refuses the first key that is not known, in the order given.
     *
     * @param source where the keys were written, for the message (the config file)
     */
    static void check(Collection<String> keys, String source) {
        for (String key : keys) {
            check(key, source);
        }
    }

    /** The package ids that checked keys name, in order of first appearance. */
    static List<String> packageIds(Collection<String> keys) {
        List<String> ids = new ArrayList<>();
        for (String key : keys) {
            if (key.startsWith(PACKAGE_PREFIX)) {
                String id = key.split("\\.", -1)[1];
                if (!ids.contains(id)) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    /** Every key that can be set once the catalog holds {@code packageIds}: what the environment may override. */
    static List<String> all(List<String> packageIds) {
        List<String> keys = new ArrayList<>(KEYS);
        for (String id : packageIds) {
            for (String field : PACKAGE_FIELDS) {
                keys.add(PACKAGE_PREFIX + id + "." + field);
            }
        }
        return keys;
    }

    private static void check(String key, String source) {
        if (KEYS.contains(key)) {
            return;
        }
        if (!key.startsWith(PACKAGE_PREFIX)) {
            throw unknownKey(key, source, DidYouMean.closest(key, KEYS)
                    .map(k -> "did you mean " + k + "?")
                    .orElse("config.example.properties lists every key"));
        }
        String[] parts = key.split("\\.", -1);
        if (parts.length != 3) {
            throw unknownKey(key, source, "package keys look like packages.<id>.<field>");
        }
        String id = parts[1];
        String field = parts[2];
        if (!PACKAGE_FIELDS.contains(field)) {
            throw unknownKey(key, source, DidYouMean.closest(field, PACKAGE_FIELDS)
                    .map(f -> "did you mean packages." + id + "." + f + "?")
                    .orElse("a package has " + String.join(", ", PACKAGE_FIELDS)));
        }
        if (!PACKAGE_ID.matcher(id).matches()) {
            throw new ConfigException(key + ": the package id \"" + id
                    + "\" must be 1 to 64 characters among a-z, 0-9, _ and -");
        }
    }

    private static ConfigException unknownKey(String key, String source, String hint) {
        return new ConfigException("unknown key \"" + key + "\" in " + source + " (" + hint + ")");
    }
}
