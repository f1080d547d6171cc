package coinpurse.cli;

import coinpurse.app.App;
import coinpurse.app.AppDeps;
import coinpurse.app.Services;
import coinpurse.checkout.PriceCheck;
import coinpurse.config.Config;
import coinpurse.config.JdbcUrls;
import coinpurse.demo.DemoStartWarnings;
import coinpurse.sandbox.Sandbox;
import coinpurse.stripe.StripeFailureException;
import coinpurse.threads.DaemonThreads;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Serves the API until the process is stopped. For the command lines of {@link ServeLine}, Main calls
 * {@link #serve} itself, without picocli.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the API (the default).")
public final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
    /** How soon after a deadline a grant's coins or a hold are marked expired while nobody asks (reads know at once). */
    private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

    @Mixin
    ConfigOption configOption = new ConfigOption();

    @Override
    public Integer call() {
        serve(configOption.load());
        return 0;
    }

    /**
     * Checks that it can serve, then opens the database, starts listening and returns; the server
     * runs until the process is stopped.
     *
     * @throws CannotStartException it cannot serve with these settings; nothing was created when a
     *     check found it out before the start
     */
    public static void serve(Config config) {
        StartChecks.beforeAnythingIsCreated(config);
        AppDeps deps;
        try {
            deps = AppDeps.open(config);
        } catch (RuntimeException e) {
            throw StartChecks.whileOpening(e, config);
        }
        Services services;
        Javalin app = null;
        try {
            services = Services.create(config, deps.db(), deps.stripe(), deps.clock(), deps.meters().registry());
            app = App.create(deps, services);
            app.start();
        } catch (RuntimeException e) {
            closeQuietly(app, deps, e);
            throw StartChecks.whileStarting(e, config);
        }
        Javalin started = app;
        services.sweeps().start(SWEEP_INTERVAL);
        services.webhookSender().ifPresent(sender -> sender.start());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping: finishing requests in flight, then closing the database");
            started.stop();
            services.sweeps().close();
            services.webhookSender().ifPresent(sender -> sender.close());
            deps.db().close();
            log.info("database closed");
        }, "coinpurse-shutdown"));
        deps.stripe().ifPresent(stripe -> checkPricesInBackground(new PriceCheck(stripe, services.catalog())));
        deps.sandbox().ifPresent(sandbox -> sandbox.startWarnings(config).forEach(log::warn));
        DemoStartWarnings.of(config, app.port()).forEach(log::warn);
        log.info("coinpurse serving on http://{}:{} (database {}, Stripe {}, {} webhook secret(s))",
                config.serverHost(), started.port(), config.usesPostgres()
                        ? "PostgreSQL at " + JdbcUrls.hostAndPort(config.dbAccess().postgresUrl().orElseThrow())
                        : config.dbPath().toAbsolutePath(),
                deps.sandbox().map(Sandbox::describe).orElse(deps.stripe().isPresent() ? "configured"
                        : "NOT configured: payment routes answer 503"),
                deps.sandbox().map(sandbox -> sandbox.webhookSecrets().size())
                        .orElse(config.stripeWebhookSecrets().size()));
    }

    private static void closeQuietly(Javalin app, AppDeps deps, RuntimeException cause) {
        try {
            if (app != null) {
                app.stop();
            }
            deps.db().close();
        } catch (RuntimeException closeFailure) {
            cause.addSuppressed(closeFailure);
        }
    }

    /** Asks Stripe after the server listens, so that a slow Stripe never delays the start. */
    private static void checkPricesInBackground(PriceCheck check) {
        DaemonThreads.of(() -> {
            try {
                check.problems().forEach(problem -> log.error("{}", problem));
            } catch (StripeFailureException e) {
                log.warn("could not check the packages' Stripe Prices: {}", e.getMessage());
            }
        }, "coinpurse-price-check").start();
    }
}
