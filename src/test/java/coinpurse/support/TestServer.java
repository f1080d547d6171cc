package coinpurse.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import coinpurse.app.App;
import coinpurse.app.Services;
import coinpurse.app.AppDeps;
import coinpurse.config.Config;
import coinpurse.wallet.CoinBook;
import coinpurse.config.ConfigLoader;
import coinpurse.events.EventStreams;
import coinpurse.events.StreamTimings;
import coinpurse.http.MethodOverrideGuard;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The real app on a real port and a temp SQLite file, wired exactly as Main wires it,
 * talking to a {@link FakeStripe} (unless started without one). Plain HTTP helpers on top.
 */
public final class TestServer implements AutoCloseable {
    public static final String WEBHOOK_SECRET = "whsec_test_coinpurse_webhook_secret";
    public static final String JWT_SECRET = "test-jwt-secret-that-is-long-enough-for-hs256";
    public static final String STRIPE_KEY = "sk_test_coinpurse";
    /** {@code app.instance_id} of every test server: the sessions of {@link StripeEvents} name it. */
    public static final String INSTANCE_ID = StripeEvents.INSTANCE_ID;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeStripe stripe;
    private final AppDeps deps;
    private final Services services;
    private final EventStreams streams;
    private final Javalin app;
    private final Path dir;
    private final Clock clock;
    /** Whether {@link #close()} deletes {@link #dir}: the server made it ({@link #startInTempDir}). */
    private final boolean ownsDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(FakeStripe stripe, AppDeps deps, Services services, Javalin app, Path dir, Clock clock,
            boolean ownsDir, EventStreams streams) {
        this.streams = streams;
        this.stripe = stripe;
        this.deps = deps;
        this.services = services;
        this.app = app;
        this.dir = dir;
        this.clock = clock;
        this.ownsDir = ownsDir;
    }

    /** A server with Stripe (the fake) and a webhook secret configured. */
    public static TestServer start(Path dir) {
        return start(dir, Map.of());
    }

    /** As {@link #start(Path)}, with extra settings given as environment variables. */
    public static TestServer start(Path dir, Map<String, String> extraEnv) {
        return startWithStripe(dir, extraEnv, false);
    }

    /**
     * As {@link #start(Path, Map)}, listening on {@code port} rather than on one the OS picks: for
     * settings that name the server's own origin (a browser test's redirect origins).
     */
    public static TestServer startOnPort(Path dir, int port, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("SERVER_PORT", Integer.toString(port));
        return startWithStripe(dir, env, false);
    }

    /**
     * As {@link #start(Path, Map)}, with every reader of time on {@code clock} (a {@link MovableClock}:
     * deadlines, expiries and stamps move only when the test moves it; nothing sweeps by itself).
     */
    public static TestServer startWithClock(Path dir, Map<String, String> extraEnv, Clock clock) {
        FakeStripe stripe = FakeStripe.start();
        Map<String, String> env = new HashMap<>(baseEnv(dir));
        env.put("STRIPE_SECRET_KEY", STRIPE_KEY);
        env.put("STRIPE_API_BASE", stripe.apiBase());
        env.put("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
        env.putAll(extraEnv);
        try {
            return launch(stripe, dir, env, false, clock);
        } catch (RuntimeException | Error e) {
            stripe.close();
            throw e;
        }
    }

    /** As {@link #start(Path, Map)}, its event streams on {@code streamTimings} (a short heartbeat, a small buffer). */
    public static TestServer startWithStreamTimings(Path dir, Map<String, String> extraEnv,
            StreamTimings streamTimings) {
        return startWithStreamTimings(dir, extraEnv, streamTimings, Clock.systemUTC());
    }

    /** As {@link #startWithStreamTimings(Path, Map, StreamTimings)}, every reader of time on {@code clock}. */
    public static TestServer startWithStreamTimings(Path dir, Map<String, String> extraEnv,
            StreamTimings streamTimings, Clock clock) {
        FakeStripe stripe = FakeStripe.start();
        Map<String, String> env = new HashMap<>(baseEnv(dir));
        env.put("STRIPE_SECRET_KEY", STRIPE_KEY);
        env.put("STRIPE_API_BASE", stripe.apiBase());
        env.put("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
        env.putAll(extraEnv);
        try {
            return launch(stripe, dir, env, false, clock, streamTimings);
        } catch (RuntimeException | Error e) {
            stripe.close();
            throw e;
        }
    }

    /** A server with no Stripe key and no webhook secret, as a fresh install runs. */
    public static TestServer startWithoutStripe(Path dir) {
        return launch(null, dir, baseEnv(dir), false);
    }

    /** A server with a webhook secret but no Stripe key: webhooks verify, nothing can ask Stripe. */
    public static TestServer startWithWebhookSecretOnly(Path dir) {
        Map<String, String> env = new HashMap<>(baseEnv(dir));
        env.put("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
        return launch(null, dir, env, false);
    }

    /**
     * A server with {@code stripe.sandbox=true} and nothing else of Stripe (no key, no webhook secret),
     * as the README's quick start runs, with extra settings given as environment variables.
     */
    public static TestServer startSandbox(Path dir, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(baseEnv(dir));
        env.put("STRIPE_SANDBOX", "true");
        env.putAll(extraEnv);
        return launch(null, dir, env, false);
    }

    /** As {@link #startSandbox(Path, Map)}, in a new temp folder that {@link #close()} deletes. */
    public static TestServer startSandboxInTempDir(Map<String, String> extraEnv) {
        return inNewTempDir(dir -> {
            Map<String, String> env = new HashMap<>(baseEnv(dir));
            env.put("STRIPE_SANDBOX", "true");
            env.putAll(extraEnv);
            return launch(null, dir, env, true);
        });
    }

    /**
     * As {@link #start(Path, Map)}, in a new temp folder that {@link #close()} deletes. What
     * {@link RunningServer} fields get; for jqwik classes, which JUnit extensions do not reach.
     */
    public static TestServer startInTempDir(Map<String, String> extraEnv) {
        return inNewTempDir(dir -> startWithStripe(dir, extraEnv, true));
    }

    /** As {@link #startWithoutStripe(Path)}, in a new temp folder that {@link #close()} deletes. */
    public static TestServer startWithoutStripeInTempDir() {
        return inNewTempDir(dir -> launch(null, dir, baseEnv(dir), true));
    }

    /**
     * As {@link #startInTempDir(Map)}, with every reader of time in the server (row stamps, tokens,
     * throttles) on {@code clock}: a {@link MovableClock} lets a test say exactly when things happen.
     */
    public static TestServer startInTempDir(Map<String, String> extraEnv, Clock clock) {
        return inNewTempDir(dir -> startWithStripe(dir, extraEnv, true, clock));
    }

    private static TestServer inNewTempDir(Function<Path, TestServer> start) {
        Path dir = TempFolders.create("coinpurse-test");
        try {
            return start.apply(dir);
        } catch (RuntimeException | Error e) {
            TempFolders.delete(dir);
            throw e;
        }
    }

    private static TestServer startWithStripe(Path dir, Map<String, String> extraEnv, boolean ownsDir) {
        return startWithStripe(dir, extraEnv, ownsDir, Clock.systemUTC());
    }

    private static TestServer startWithStripe(Path dir, Map<String, String> extraEnv, boolean ownsDir, Clock clock) {
        FakeStripe stripe = FakeStripe.start();
        Map<String, String> env = new HashMap<>(baseEnv(dir));
        env.put("STRIPE_SECRET_KEY", STRIPE_KEY);
        env.put("STRIPE_API_BASE", stripe.apiBase());
        env.put("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
        env.putAll(extraEnv);
        try {
            return launch(stripe, dir, env, ownsDir, clock);
        } catch (RuntimeException | Error e) {
            stripe.close();
            throw e;
        }
    }

    private static Map<String, String> baseEnv(Path dir) {
        Map<String, String> env = new HashMap<>(Map.of(
                "SERVER_HOST", "127.0.0.1",
                // Any free port: the server binds it and port() reads it back, so no two servers race for one.
                "SERVER_PORT", "0",
                "DB_PATH", dir.resolve("db/coinpurse.db").toString(),
                "AUTH_JWT_SECRET", JWT_SECRET,
                "APP_INSTANCE_ID", INSTANCE_ID));
        if (onPostgres()) {
            env.put("DB_URL", TestPostgres.server().newDatabase());
        }
        return env;
    }

    /**
     * True in the test run that repeats the storage-touching tests on PostgreSQL (the pom's
     * {@code postgres} execution sets {@code coinpurse.test.backend=postgres}): every server then
     * gets a fresh PostgreSQL database of its own instead of a SQLite file.
     */
    public static boolean onPostgres() {
        return "postgres".equals(System.getProperty("coinpurse.test.backend"));
    }

    private static TestServer launch(FakeStripe stripe, Path dir, Map<String, String> env, boolean ownsDir) {
        return launch(stripe, dir, env, ownsDir, Clock.systemUTC());
    }

    private static TestServer launch(FakeStripe stripe, Path dir, Map<String, String> env, boolean ownsDir,
            Clock clock) {
        return launch(stripe, dir, env, ownsDir, clock, StreamTimings.DEFAULT);
    }

    private static TestServer launch(FakeStripe stripe, Path dir, Map<String, String> env, boolean ownsDir,
            Clock clock, StreamTimings streamTimings) {
        Config config = ConfigLoader.load(Optional.empty(), env, dir);
        AppDeps deps = AppDeps.open(config, clock);
        Services services = Services.create(config, deps.db(), deps.stripe(), clock, deps.meters().registry());
        EventStreams streams = new EventStreams(services.eventFeed(), streamTimings, clock);
        Javalin app = App.create(deps, services, streams).start();
        TestServer server = new TestServer(stripe, deps, services, app, dir, clock, ownsDir, streams);
        if (stripe != null && !config.stripeWebhookSecrets().isEmpty()) {
            // The fake's Checkout page pays to this server, as Stripe delivers to a configured endpoint.
            stripe.hostCheckout(URI.create(server.url("/api/payment/webhook")), config.stripeWebhookSecrets().get(0));
        }
        return server;
    }

    /** The lot-keeping book of this server's database, to write coin changes the way the app does. */
    public CoinBook coinBook() {
        return services.coinBook();
    }

    public FakeStripe stripe() {
        return stripe;
    }

    /** The folder the server was started in: its database is under it. */
    public Path dir() {
        return dir;
    }

    /** The services this server's routes run on: its sweeps, to run one now. */
    public Services services() {
        return services;
    }

    /**
     * The clock every reader of time in this server is on, when the test gave it a {@link MovableClock}
     * ({@link #startWithClock}, {@link RunningServer#movableClock}): moving it moves the server's now.
     */
    public MovableClock movableClock() {
        if (clock instanceof MovableClock movable) {
            return movable;
        }
        throw new IllegalStateException("this server runs on the system clock; start it with a MovableClock");
    }

    /** The hub of this server's event streams: how many are open. */
    public EventStreams eventStreams() {
        return streams;
    }

    public AppDeps deps() {
        return deps;
    }

    /** The running app, for what only its insides show (e.g. Jetty's thread pool). */
    public Javalin javalin() {
        return app;
    }

    /** The port the server bound (it asked for any free one, unless started {@link #startOnPort on a port}). */
    public int port() {
        return app.port();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** A valid user token for {@code userId}, valid for an hour. */
    public String token(String userId) {
        return deps.tokens().issue(userId, Duration.ofHours(1));
    }

    public HttpResponse<String> get(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    public HttpResponse<String> post(String path, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    /** Delivers {@code payload} to the webhook, signed now with the configured secret. */
    public HttpResponse<String> deliver(String payload) {
        return deliver(payload, WebhookSigner.sign(payload, WEBHOOK_SECRET));
    }

    public HttpResponse<String> deliver(String payload, String signatureHeader) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url("/api/payment/webhook")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload));
        if (signatureHeader != null) {
            request.header("Stripe-Signature", signatureHeader);
        }
        return send(request);
    }

    /** Sends {@code request}; its answer must be one docs/openapi.yaml describes ({@link OpenApiContract}). */
    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertDescribed(response);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Fails unless {@code response} is an answer that docs/openapi.yaml documents for its request. */
    public static void assertDescribed(HttpResponse<String> response) {
        String method = response.request().method();
        String path = response.request().uri().getRawPath();
        String contentType = response.headers().firstValue("Content-Type").orElse(null);
        Optional<String> problem = response.request().headers().firstValue(MethodOverrideGuard.HEADER).isPresent()
                ? OpenApiContract.get().methodOverrideProblem(method, path, response.statusCode(), contentType,
                        response.body(), OpenApiContract.Strictness.DOCUMENTED)
                : OpenApiContract.get().problem(method, path, response.statusCode(), contentType,
                        response.headers().map(), response.body(), OpenApiContract.Strictness.DOCUMENTED);
        problem.ifPresent(found -> {
            throw new AssertionError("not as docs/openapi.yaml describes: " + found);
        });
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** Creates a checkout session for {@code packageId} through the API; returns its id. */
    public String checkout(String token, String packageId) {
        HttpResponse<String> response = post("/api/payment/create-checkout-session",
                "{\"package_id\": \"" + packageId + "\"}", token);
        if (response.statusCode() != 200) {
            throw new AssertionError("checkout failed: " + response.statusCode() + " " + response.body());
        }
        return json(response).get("session_id").asText();
    }

    /** The {@code checkout.session.completed} event Stripe sends once the fake marks it paid. */
    public String paidEvent(String sessionId) {
        stripe.markPaid(sessionId);
        return StripeEvents.checkoutEvent(StripeEvents.newEventId(), "checkout.session.completed",
                stripe.session(sessionId));
    }

    // Reads straight from the database, to check what the API says against what is stored.

    public long storedBalance(String userId) {
        return queryLong("SELECT COALESCE((SELECT balance FROM users WHERE id = ?), 0)", userId);
    }

    public long ledgerSum(String userId) {
        return queryLong("SELECT COALESCE(SUM(delta), 0) FROM coin_ledger WHERE user_id = ?", userId);
    }

    public long purchaseRows(String sessionId) {
        return queryLong("SELECT COUNT(*) FROM coin_ledger WHERE reason = 'purchase' AND reference = ?", sessionId);
    }

    public String storedStatus(String sessionId) {
        return queryString("SELECT status FROM payment_sessions WHERE session_id = ?", sessionId);
    }

    public String storedPaymentIntent(String sessionId) {
        return queryString("SELECT payment_intent FROM payment_sessions WHERE session_id = ?", sessionId);
    }

    /** What the webhook recorded for {@code eventId} ({@code credited}, {@code ignored}, …), or null. */
    public String eventOutcome(String eventId) {
        return queryString("SELECT outcome FROM processed_events WHERE event_id = ?", eventId);
    }

    public long processedEventRows(String eventId) {
        return queryLong("SELECT COUNT(*) FROM processed_events WHERE event_id = ?", eventId);
    }

    /** All rows of {@code table}. */
    public long rowsIn(String table) {
        return queryLong("SELECT COUNT(*) FROM " + table);
    }

    /** A single number from a query without parameters. */
    public long queryLong(String sql) {
        try (Connection connection = deps.db().dataSource().getConnection();
                PreparedStatement query = connection.prepareStatement(sql);
                ResultSet row = query.executeQuery()) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public long queryLong(String sql, String parameter) {
        return Long.parseLong(queryString(sql, parameter));
    }

    public String queryString(String sql, String parameter) {
        try (Connection connection = deps.db().dataSource().getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code file}, a config for the command line ({@code reconcile}, {@code backup}) that
     * names this server's database, its Stripe (the fake) and its JWT secret; returns it.
     */
    public Path writeCliConfig(Path file) {
        return writeCliConfig(file, STRIPE_KEY);
    }

    /** As {@link #writeCliConfig(Path)}, with another Stripe key. */
    public Path writeCliConfig(Path file, String stripeKey) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, String.join("\n",
                    deps.config().usesPostgres()
                            ? "db.url=" + deps.config().dbAccess().postgresUrl().orElseThrow()
                            : "db.path=" + deps.config().dbPath().toAbsolutePath(),
                    "stripe.secret_key=" + stripeKey,
                    "stripe.api_base=" + stripe.apiBase(),
                    "auth.jwt_secret=" + JWT_SECRET,
                    ""), UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            services.sweeps().close();
            services.webhookSender().ifPresent(sender -> sender.close());
            app.stop();
            deps.db().close();
            deps.meters().close();
            if (stripe != null) {
                stripe.close();
            }
        } finally {
            if (ownsDir) {
                TempFolders.delete(dir);
            }
        }
    }
}
