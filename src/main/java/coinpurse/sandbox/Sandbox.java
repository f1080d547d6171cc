package coinpurse.sandbox;

import coinpurse.config.Config;
import coinpurse.stripe.StripeGateway;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code stripe.sandbox=true}: coinpurse plays Stripe for a shop with no Stripe account and no
 * network. Its gateway answers every call coinpurse makes to Stripe; its Checkout page (served by
 * {@link SandboxController}) pays, refunds and disputes; the events each change makes are signed
 * and sent to this server's own webhook route, so they run the same code as Stripe's.
 *
 * <p>Its state lives in memory: a restart forgets the sandbox's sessions, payments, refunds and
 * disputes, while coinpurse's own data (purchases, coins, the ledger) stays in the database.
 */
public final class Sandbox implements AutoCloseable {
    private final SandboxStripe stripe;
    private final WebhookDelivery delivery;
    private final SandboxGateway gateway;
    private final List<String> webhookSecrets;
    private final boolean secretGenerated;
    private final String host;
    private volatile String pagesBase;

    private Sandbox(SandboxStripe stripe, WebhookDelivery delivery, Config config, List<String> webhookSecrets,
            boolean secretGenerated) {
        this.stripe = stripe;
        this.delivery = delivery;
        this.webhookSecrets = List.copyOf(webhookSecrets);
        this.secretGenerated = secretGenerated;
        this.host = urlHost(config.serverHost());
        this.gateway = new SandboxGateway(stripe, this::pagesBase, delivery::send, config.packages());
    }

    /**
     * The sandbox for {@code config} (which has {@code stripe.sandbox=true}): it signs its events with
     * the first {@code stripe.webhook_secret}, or with a secret generated for this process and kept
     * in memory only.
     */
    public static Sandbox create(Config config, Clock clock) {
        List<String> configured = config.stripeWebhookSecrets();
        boolean generate = configured.isEmpty();
        List<String> secrets = generate ? List.of(generatedSecret()) : configured;
        return new Sandbox(new SandboxStripe(clock), new WebhookDelivery(secrets.get(0)), config, secrets, generate);
    }

    /** What coinpurse calls instead of Stripe. */
    public StripeGateway gateway() {
        return gateway;
    }

    /** The secrets the webhook route accepts: the configured ones, or the one generated for the sandbox. */
    public List<String> webhookSecrets() {
        return webhookSecrets;
    }

    /** Called once the server listens on {@code port}: the sandbox's pages and its events go there. */
    public void listeningOn(int port) {
        pagesBase = "http://" + host + ":" + port;
        delivery.deliverTo(URI.create(pagesBase + "/api/payment/webhook"));
    }

    /** What the start log says about the sandbox (WARN lines): no real money, in memory, unused keys. */
    public List<String> startWarnings(Config config) {
        List<String> lines = new ArrayList<>();
        lines.add("stripe.sandbox=true: coinpurse plays Stripe itself; no real money moves, and nothing reaches"
                + " Stripe. Its sessions, payments, refunds and disputes live in memory (a restart forgets them);"
                + " purchases and coins stay in the database. Pay on its Checkout page with 4242 4242 4242 4242.");
        if (config.stripeSecretKey().isPresent() || config.stripeApiBase().isPresent()) {
            lines.add("stripe.sandbox=true: stripe.secret_key and stripe.api_base are set but unused while the"
                    + " sandbox is on");
        }
        return lines;
    }

    /** How the start log names Stripe: the sandbox, and the secret its events are signed with (never the secret). */
    public String describe() {
        return "played by the sandbox, its events signed with " + (secretGenerated
                ? "a secret generated for this process" : "stripe.webhook_secret");
    }

    SandboxStripe stripe() {
        return stripe;
    }

    WebhookDelivery delivery() {
        return delivery;
    }

    private String pagesBase() {
        String base = pagesBase;
        if (base == null) {
            throw new IllegalStateException("the sandbox is used before the server listens");
        }
        return base;
    }

    /** {@code ::1} is written {@code [::1]} in a URL. */
    private static String urlHost(String serverHost) {
        return serverHost.contains(":") && !serverHost.startsWith("[") ? "[" + serverHost + "]" : serverHost;
    }

    /** {@code whsec_} and 32 random bytes, as Stripe's own secrets look. */
    private static String generatedSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return "whsec_" + Base64.getEncoder().withoutPadding().encodeToString(key);
    }

    @Override
    public void close() {
        delivery.close();
    }
}
