package coinpurse.cli;

import coinpurse.app.AppDeps;
import coinpurse.app.Services;
import coinpurse.config.Config;
import coinpurse.config.ConfigException;
import coinpurse.db.Database;
import coinpurse.db.DatabaseException;
import coinpurse.settlement.Reconciler;
import coinpurse.settlement.Reconciler.Change;
import coinpurse.settlement.Reconciler.EventSummary;
import coinpurse.settlement.Reconciler.Summary;
import coinpurse.settlement.StripeEventHandler;
import coinpurse.stripe.StripeFailureException;
import coinpurse.stripe.StripeGateway;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Asks Stripe for the events and Checkout Sessions of a recent window: replays the events that
 * never reached the webhook, then fulfils the paid sessions that nothing completed here. Safe to
 * run while the server serves, and as often as wanted.
 */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = "Replay Stripe events that never arrived, fulfil paid Checkout Sessions whose webhook never"
                + " came, and mark expired ones.")
public final class ReconcileCommand implements Callable<Integer> {
    private static final String AGAIN = "; what was done before stays done, and running it again is safe";

    @Mixin
    ConfigOption configOption = new ConfigOption();

    @Spec
    CommandSpec spec;

    @Option(names = "--since", paramLabel = "DURATION", defaultValue = "72h", converter = DurationConverter.class,
            description = "Check events and sessions created this long ago or later: " + DurationConverter.FORMS
                    + " (default 72h; Stripe keeps events for 30 days).")
    Duration since;

    @Option(names = "--dry-run", description = "Print what would change; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        Config config = configOption.load();
        if (config.stripeSandbox()) {
            // Not an error: the sandbox sends every event to the webhook at once, and only its server knows them.
            spec.commandLine().getOut().println("stripe.sandbox=true: the sandbox's Stripe lives in the serving"
                    + " process's memory and its events reach the webhook at once; nothing to reconcile");
            return ExitCodes.OK;
        }
        String key = config.stripeSecretKey().orElseThrow(() -> new ConfigException(
                "stripe.secret_key (STRIPE_SECRET_KEY) is not set; reconcile needs it to ask Stripe for sessions"));
        Optional<String> missing = CommandDatabase.missing(config);
        if (missing.isPresent()) {
            // The server creates the database; a reconcile run from the wrong folder must not start another.
            return fail(missing.get());
        }
        PrintWriter out = spec.commandLine().getOut();
        Instant from = Instant.now().minus(since).truncatedTo(ChronoUnit.SECONDS);
        out.println((dryRun ? "dry run: " : "") + "reconciling Stripe events and Checkout Sessions created since "
                + from);
        out.flush();
        StripeGateway stripe = StripeGateway.create(key, config.stripeApiBase(), config.stripeTimeout());
        try (Database db = AppDeps.openDatabase(config);
                Database.RunLock alone = db.tryRunLock("coinpurse-reconcile").orElse(null)) {
            if (alone == null) {
                out.println("another reconcile is running on this database; nothing to do here");
                out.flush();
                return ExitCodes.OK;
            }
            Reconciler reconciler = Services.create(config, db, Optional.of(stripe), Clock.systemUTC()).reconciler();
            EventSummary events = reconciler.replay(
                    stripe.listEvents(from, StripeEventHandler.HANDLED_TYPES), dryRun, replayed -> {
                        out.println((dryRun ? "would replay " : "replayed ") + replayed.eventId() + " "
                                + replayed.type() + ": " + replayed.result().label() + " ("
                                + replayed.result().detail() + ")");
                        out.flush();
                    });
            out.println((dryRun ? "dry run: " : "") + "listed " + events.listed() + " events: " + events.replayed()
                    + (dryRun ? " to replay, " : " replayed, ") + events.handledBefore() + " handled before");
            out.flush();
            Summary summary = reconciler.reconcile(stripe.listCheckoutSessions(from), dryRun, change -> {
                String line = describe(change);
                if (line != null) {
                    out.println(line);
                    out.flush();
                }
            });
            out.println(summarize(summary));
            out.flush();
            return ExitCodes.OK;
        } catch (StripeFailureException e) {
            // The message names what failed and why: "cannot reach Stripe at <api base> (…)", or Stripe's answer.
            return fail(e.getMessage() + AGAIN);
        } catch (DatabaseException e) {
            return fail("database failed: " + CommandDatabase.failure(e) + AGAIN);
        }
    }

    private String describe(Change change) {
        return switch (change.action()) {
            case CREDITED -> (dryRun ? "would credit " : "credited ") + change.sessionId()
                    + " user " + change.userId() + " " + change.coins() + " coins";
            case EXPIRED -> (dryRun ? "would expire " : "expired ") + change.sessionId();
            case REJECTED -> (dryRun ? "would reject " : "rejected ") + change.sessionId() + ": " + change.detail();
            case IGNORED, UNCHANGED -> null;
        };
    }

    private String summarize(Summary s) {
        if (dryRun) {
            return "dry run: checked " + s.checked() + " sessions: " + s.credited() + " to credit, "
                    + s.expired() + " to expire, " + s.rejected() + " to reject, " + s.ignored() + " ignored, "
                    + s.unchanged() + " unchanged; nothing was written";
        }
        return "checked " + s.checked() + " sessions: " + s.credited() + " credited, " + s.expired() + " expired, "
                + s.rejected() + " rejected, " + s.ignored() + " ignored, " + s.unchanged() + " unchanged";
    }

    /** Reports an expected failure in one line; what was done before it stays done. */
    private int fail(String message) {
        return ErrorLine.print(spec, "reconcile stopped", message, ExitCodes.FAILED);
    }
}
