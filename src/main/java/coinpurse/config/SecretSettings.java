package coinpurse.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the secrets: Stripe's key and webhook signing secrets, the JWT secret, the internal API
 * key. A message says what is wrong with a secret but never shows it.
 */
final class SecretSettings {
    private static final Pattern STRIPE_KEY = Pattern.compile("[A-Za-z0-9_]+");
    private static final List<String> STRIPE_KEY_PREFIXES =
            List.of("sk_test_", "sk_live_", "rk_test_", "rk_live_");
    private static final int MIN_JWT_SECRET_BYTES = 32;
    private static final int MIN_INTERNAL_API_KEY_LENGTH = 16;
    private static final int MIN_WEBHOOK_KEY_BYTES = 24;

    private SecretSettings() {}

    static Optional<String> stripeSecretKey(Settings s, String key) {
        Optional<String> value = s.get(key);
        value.ifPresent(secret -> {
            checkNoPlaceholder(s, key, secret);
            if (secret.startsWith("pk_")) {
                throw s.error(key, "this is a publishable key (pk_...); the server needs the secret key, "
                        + "sk_test_... or sk_live_...");
            }
            if (secret.startsWith("whsec_")) {
                throw s.error(key, "this is a webhook signing secret (whsec_...); it belongs in stripe.webhook_secret");
            }
            if (STRIPE_KEY_PREFIXES.stream().noneMatch(secret::startsWith)) {
                throw s.error(key, "does not start with sk_test_, sk_live_, rk_test_ or rk_live_");
            }
            if (!STRIPE_KEY.matcher(secret).matches()) {
                throw s.error(key, "contains characters that a Stripe key never has");
            }
        });
        return value;
    }

    /** Comma separated: more than one while a secret is being rotated. */
    static List<String> webhookSecrets(Settings s, String key) {
        List<String> secrets = s.list(key);
        for (int i = 0; i < secrets.size(); i++) {
            String which = secrets.size() == 1 ? "the secret" : "secret number " + (i + 1);
            checkNoPlaceholder(s, key, secrets.get(i));
            if (!secrets.get(i).startsWith("whsec_")) {
                throw s.error(key, which + " does not start with whsec_ (the signing secret from the Dashboard "
                        + "or from `stripe listen`)");
            }
        }
        return secrets;
    }

    /**
     * The Standard Webhooks secret of {@code events.webhook_secret}: {@code whsec_} and the base64 of
     * a key of at least 24 bytes; required when {@code urlKey} is set.
     */
    static Optional<String> standardWebhooksSecret(Settings s, String key, String urlKey) {
        Optional<String> secret = s.get(key);
        if (secret.isEmpty()) {
            if (s.get(urlKey).isPresent()) {
                throw s.error(key, "must be set with " + urlKey + ": whsec_ and a base64 key that signs each event"
                        + " (make one with: echo whsec_$(openssl rand -base64 32))");
            }
            return secret;
        }
        String text = secret.get();
        byte[] decoded;
        try {
            decoded = java.util.Base64.getDecoder().decode(text.startsWith("whsec_") ? text.substring(6) : "!");
        } catch (IllegalArgumentException e) {
            decoded = new byte[0];
        }
        if (!text.startsWith("whsec_") || decoded.length < MIN_WEBHOOK_KEY_BYTES) {
            throw s.error(key, "must be whsec_ and the base64 of a key of at least " + MIN_WEBHOOK_KEY_BYTES
                    + " bytes (make one with: echo whsec_$(openssl rand -base64 32))");
        }
        return secret;
    }

    static Optional<String> jwtSecret(Settings s, String key) {
        Optional<String> value = s.get(key);
        value.ifPresent(secret -> {
            checkNoPlaceholder(s, key, secret);
            if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_JWT_SECRET_BYTES) {
                throw s.error(key, "is too short: HS256 needs a key of at least 256 bits, that is at least "
                        + MIN_JWT_SECRET_BYTES + " bytes (make one with: openssl rand -base64 48)");
            }
        });
        return value;
    }

    static Optional<String> internalApiKey(Settings s, String key) {
        Optional<String> value = s.get(key);
        value.ifPresent(secret -> {
            checkNoPlaceholder(s, key, secret);
            if (secret.length() < MIN_INTERNAL_API_KEY_LENGTH) {
                throw s.error(key, "is too short: use at least " + MIN_INTERNAL_API_KEY_LENGTH
                        + " characters (make one with: openssl rand -hex 32)");
            }
        });
        return value;
    }

    static Optional<String> password(Settings s, String key) {
        Optional<String> value = s.get(key);
        value.ifPresent(secret -> checkNoPlaceholder(s, key, secret));
        return value;
    }

    /** Catches a secret copied from config.example.properties without being filled in. */
    private static void checkNoPlaceholder(Settings s, String key, String secret) {
        if (secret.contains("...") || secret.contains("…")) {
            throw s.error(key, "still holds the example's placeholder (...), not a real secret");
        }
        if (secret.chars().anyMatch(Character::isWhitespace)) {
            throw s.error(key, "contains a space");
        }
    }
}
