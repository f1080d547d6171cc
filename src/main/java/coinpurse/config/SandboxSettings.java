package coinpurse.config;

/**
 * The rules of {@code stripe.sandbox=true}: never with a live key, and listening on loopback only,
 * because a sandbox that others can reach gives coins for nothing.
 */
final class SandboxSettings {
    static final String KEY = "stripe.sandbox";
    /** {@code server.host} when the sandbox is on and none is set. */
    static final String DEFAULT_HOST = "127.0.0.1";

    private SandboxSettings() {}

    static void check(Config config) {
        if (!config.stripeSandbox()) {
            return;
        }
        if (config.stripeLivemode().orElse(false)) {
            throw new ConfigException(KEY + ": the sandbox never runs with a live Stripe key (stripe.secret_key is"
                    + " sk_live_/rk_live_): remove the key (the sandbox needs none), or set " + KEY + "=false");
        }
        if (!Loopback.isLoopbackHost(config.serverHost())) {
            throw new ConfigException("server.host: \"" + config.serverHost() + "\" is not a loopback address, and "
                    + KEY + "=true serves on loopback only (a sandbox reachable from elsewhere gives coins for"
                    + " nothing): use 127.0.0.1, ::1 or localhost, or set " + KEY + "=false");
        }
    }
}
