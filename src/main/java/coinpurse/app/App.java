package coinpurse.app;

import coinpurse.auth.UserAuth;
import coinpurse.checkout.CheckoutController;
import coinpurse.config.Config;
import coinpurse.demo.DemoController;
import coinpurse.events.EventStreams;
import coinpurse.events.EventsController;
import coinpurse.events.StreamController;
import coinpurse.events.StreamTimings;
import coinpurse.holds.HoldsController;
import coinpurse.http.Cors;
import coinpurse.http.ErrorMapping;
import coinpurse.http.HealthController;
import coinpurse.http.HttpMetrics;
import coinpurse.http.JsonBodies;
import coinpurse.http.JsonMappers;
import coinpurse.http.MethodOverrideGuard;
import coinpurse.http.MetricsController;
import coinpurse.http.OpenApiController;
import coinpurse.liability.Liabilities;
import coinpurse.liability.LiabilityController;
import coinpurse.sandbox.Sandbox;
import coinpurse.sandbox.SandboxController;
import coinpurse.sandbox.SandboxSignInController;
import coinpurse.settlement.StatusController;
import coinpurse.settlement.StripePollThrottle;
import coinpurse.settlement.WebhookController;
import coinpurse.stripe.WebhookVerifier;
import coinpurse.auth.InternalAuth;
import coinpurse.threads.DaemonThreads;
import coinpurse.wallet.InternalWalletController;
import coinpurse.wallet.WalletController;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.util.AsyncExecutor;
import io.javalin.json.JavalinJackson;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import kotlin.LazyKt;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Wires the HTTP routes to their controllers. Main and the tests both start what this returns. */
public final class App {
    public static final long MAX_BODY_BYTES = 1024 * 1024;
    private static final int RESPONSE_COPY_BUFFER_BYTES = 2048;
    private static final Duration STRIPE_POLL_INTERVAL = Duration.ofSeconds(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_THREADS = 64;
    private static final int MIN_THREADS = 4;
    private static final int ASYNC_THREADS = 4;

    private App() {}

    /**
     * Fewer threads than Javalin's default 250: requests here are short, and every idle thread's
     * stack costs memory on a small VPS. Webhooks waiting for their group commit hold a thread.
     */
    private static QueuedThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        pool.setName("coinpurse-http");
        return pool;
    }

    /**
     * Javalin runs the SSE handler on its async pool, by default a cached pool: a thousand streams
     * opening at once would start hundreds of threads. The handler only registers its stream with
     * the hub and returns, so a few threads serve every opening.
     */
    private static ThreadPoolExecutor asyncPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(ASYNC_THREADS, ASYNC_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), DaemonThreads.numbered("coinpurse-async"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    public static Javalin create(AppDeps deps) {
        return create(deps, Services.create(deps.config(), deps.db(), deps.stripe(), deps.clock(),
                deps.meters().registry()));
    }

    /** The routes over {@code services}: each controller gets what it uses. */
    public static Javalin create(AppDeps deps, Services services) {
        return create(deps, services, new EventStreams(services.eventFeed(), StreamTimings.DEFAULT, deps.clock()));
    }

    /** As {@link #create(AppDeps, Services)}, with {@code streams} as the hub of the event streams (the app stops it). */
    public static Javalin create(AppDeps deps, Services services, EventStreams streams) {
        Config config = deps.config();
        ObjectMapper mapper = JsonMappers.create();
        JsonBodies json = new JsonBodies(mapper);
        UserAuth auth = new UserAuth(deps.tokens(), config.cookieName());

        HealthController health = new HealthController(deps.db(), deps.sandbox().isPresent() ? "sandbox"
                : deps.stripe().isPresent() ? "configured" : "not_configured");
        CheckoutController checkout = new CheckoutController(services.checkout(), auth, services.catalog(), json);
        StatusController status = new StatusController(auth, deps.db(), services.sessions(), services.fulfilment(),
                deps.stripe(), new StripePollThrottle(STRIPE_POLL_INTERVAL, deps.clock(), deps.db()),
                services.settlementMetrics(), services.balances(), services.timestamps());
        List<String> webhookSecrets = deps.sandbox().map(Sandbox::webhookSecrets).orElse(config.stripeWebhookSecrets());
        WebhookController webhook = new WebhookController(new WebhookVerifier(webhookSecrets),
                json, services.events(), services.settlementMetrics());
        WalletController wallet = new WalletController(auth, deps.db(), services.ledger(), services.balances(),
                services.timestamps());
        InternalAuth internalAuth = new InternalAuth(config.internalApiKey());
        InternalWalletController internalWallet = new InternalWalletController(internalAuth, json, services.wallet());
        HoldsController holds = new HoldsController(internalAuth, json, services.holds(), config.holdsMaxSeconds());
        EventsController events = new EventsController(internalAuth, services.eventFeed());
        LiabilityController liability = new LiabilityController(internalAuth, deps.db(), new Liabilities(), deps.clock());
        StreamController stream = new StreamController(auth, services.eventFeed(), streams);
        // Present only with metrics.enabled, which the config refuses without internal.api_key.
        Optional<MetricsController> metrics = deps.meters().prometheusRegistry()
                .map(registry -> new MetricsController(internalAuth::require, registry));
        OpenApiController openApi = new OpenApiController();
        Cors cors = new Cors(config.corsAllowedOrigins());
        Optional<SandboxController> sandbox = deps.sandbox().map(s -> new SandboxController(s, json));
        Optional<SandboxSignInController> sandboxSignIn = sandbox.filter(s -> config.demo())
                .map(s -> new SandboxSignInController(deps.tokens(), json));
        AtomicReference<Javalin> created = new AtomicReference<>();
        ThreadPoolExecutor async = asyncPool();

        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.jetty.threadPool = threadPool();
            cfg.concurrency.executor = LazyKt.lazyOf(new AsyncExecutor(async));
            cfg.jetty.host = config.serverHost();
            cfg.jetty.port = config.serverPort();
            cfg.jetty.modifyHttpConfiguration(http -> {
                http.setSendServerVersion(false);
                // Jetty's per-connection header cache matches values ignoring case by default, so a
                // later "Bearer KEY" would be read as an earlier "Bearer key": keys and tokens are case-sensitive.
                http.setHeaderCacheCaseSensitive(true);
            });
            // On stop, refuse new connections but let requests in flight finish (bounded).
            cfg.jetty.modifyServer(server -> {
                server.setStopTimeout(STOP_TIMEOUT.toMillis());
                server.insertHandler(new GracefulHandler());
                // Requests Jetty refuses itself (bad URI, header, version) get JSON, not its HTML page.
                server.setErrorHandler(ErrorMapping.jettyErrorHandler());
            });
            cfg.http.maxRequestSize = MAX_BODY_BYTES;
            // Javalin copies each answer to Jetty through a buffer of this size, new per request
            // (32 KB by default): answers here are a few hundred bytes, and Jetty buffers the output itself.
            cfg.http.responseBufferSize = RESPONSE_COPY_BUFFER_BYTES;
            // Answers are a few hundred bytes of JSON: compressing them costs more than it saves.
            cfg.http.compressionStrategy = CompressionStrategy.NONE;
            cfg.jsonMapper(new JavalinJackson(mapper, false));
            ErrorMapping.register(cfg.routes, ErrorTable.rules());
            cfg.routes.before(ctx -> ctx.header("X-Content-Type-Options", "nosniff"));
            cfg.routes.before(new MethodOverrideGuard());
            cfg.routes.before(cors::apply);
            // Without metrics no request logger is added, and Javalin then does not even read the clock.
            metrics.ifPresent(m -> cfg.requestLogger.http(new HttpMetrics(deps.meters().registry())));

            cfg.routes.get("/health", health::health);
            cfg.routes.get("/api/payment/packages", checkout::packages);
            cfg.routes.post("/api/payment/create-checkout-session", checkout::create);
            cfg.routes.get("/api/payment/status/{session_id}", status::status);
            cfg.routes.post("/api/payment/webhook", webhook::receive);
            cfg.routes.get("/api/coins/balance", wallet::balance);
            cfg.routes.get("/api/coins/history", wallet::history);
            cfg.routes.before("/api/coins/stream", stream::admit);
            cfg.routes.sse("/api/coins/stream", stream::open);
            // Open streams are requests in flight: ended first, so that the graceful stop does not wait for them.
            cfg.events.serverStopping(streams::close);
            cfg.events.serverStopped(async::shutdownNow);
            cfg.routes.post("/api/internal/coins/spend", internalWallet::spend);
            cfg.routes.post("/api/internal/coins/grant", internalWallet::grant);
            cfg.routes.post("/api/internal/coins/holds", holds::create);
            cfg.routes.get("/api/internal/coins/holds/{hold_id}", holds::get);
            cfg.routes.post("/api/internal/coins/holds/{hold_id}/capture", holds::capture);
            cfg.routes.post("/api/internal/coins/holds/{hold_id}/release", holds::release);
            cfg.routes.get("/api/internal/events", events::list);
            cfg.routes.get("/api/internal/liability", liability::report);
            metrics.ifPresent(m -> cfg.routes.get("/metrics", m::metrics));
            if (config.demo()) {
                DemoController demo = DemoController.fromResources();
                cfg.routes.get("/", demo::page);
                cfg.routes.get("/demo/{file}", demo::file);
            }
            sandbox.ifPresent(s -> {
                cfg.routes.before("/sandbox/*", s::guard);
                cfg.routes.get("/sandbox/checkout/{session_id}", s::checkoutPage);
                cfg.routes.get("/sandbox/files/{file}", s::file);
                cfg.routes.get("/sandbox/sessions/{session_id}", s::session);
                cfg.routes.post("/sandbox/sessions/{session_id}/pay", s::pay);
                cfg.routes.post("/sandbox/sessions/{session_id}/refunds", s::refund);
                cfg.routes.post("/sandbox/sessions/{session_id}/disputes", s::openDispute);
                cfg.routes.post("/sandbox/sessions/{session_id}/disputes/close", s::closeDispute);
            });
            sandboxSignIn.ifPresent(s -> cfg.routes.post("/sandbox/sign-in", s::signIn));
            // The sandbox's pages and events go to the port the server listens on, known only now.
            deps.sandbox().ifPresent(s -> {
                cfg.events.serverStarted(() -> s.listeningOn(created.get().port()));
                cfg.events.serverStopped(s::close);
            });
            cfg.routes.get("/openapi.yaml", openApi::description);
        });
        created.set(app);
        return app;
    }
}
