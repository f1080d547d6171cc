package coinpurse.config;

import java.util.Locale;

/** How a person sets a key: in the config file, or by the environment variable that overrides it. */
public final class ConfigKeys {
    private ConfigKeys() {}

    /** The environment variable that overrides {@code key}: {@code stripe.secret_key} → {@code STRIPE_SECRET_KEY}. */
    public static String variable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** {@code server.port / SERVER_PORT}: both ways to change {@code key}, for a message that asks for it. */
    public static String named(String key) {
        return key + " / " + variable(key);
    }
}
