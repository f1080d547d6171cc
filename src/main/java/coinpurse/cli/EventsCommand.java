package coinpurse.cli;

import coinpurse.audit.EventLog;
import coinpurse.audit.EventLog.Event;
import coinpurse.audit.EventLog.Filter;
import coinpurse.audit.EventLog.Page;
import coinpurse.db.Timestamps;
import coinpurse.events.UndeliveredEvents;
import coinpurse.settlement.FulfilmentResult.Outcome;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Lists the Stripe events handled here, newest first, with what each did and why; or, with
 * {@code --undelivered}, the web app's events not (yet) delivered to {@code events.webhook_url}.
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = {
            "List the Stripe events handled here (by webhook or reconcile), newest first: when, which, what it did"
                    + " (credited, already_done, updated, kept, ignored, rejected) and why.",
            "With --undelivered: the web app's events not delivered to events.webhook_url (waiting, retrying, or"
                    + " given up after 3 days), oldest first, with their attempts, next attempt and last error.",
            "Exit 0, 2 could not read the database."})
public final class EventsCommand implements Callable<Integer> {
    static final List<String> OUTCOMES = Arrays.stream(Outcome.values())
            .map(outcome -> outcome.name().toLowerCase(Locale.ROOT)).toList();

    @Mixin
    ConfigOption configOption = new ConfigOption();

    @Spec
    CommandSpec spec;

    @Option(names = "--since", paramLabel = "DURATION", defaultValue = "24h", converter = DurationConverter.class,
            description = "Events handled this long ago or later: " + DurationConverter.FORMS + " (default 24h).")
    Duration since;

    @Option(names = "--outcome", paramLabel = "OUTCOME",
            description = "Only this outcome: credited, already_done, updated, kept, ignored or rejected.")
    String outcome;

    @Option(names = "--user", paramLabel = "USER_ID",
            description = "Only events about this user's purchases (their sessions, refunds and disputes).")
    String userId;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "Show at most N events, the newest (default 100).")
    int limit;

    @Option(names = "--json", description = "Print one JSON document: since, matching, events"
            + " (with --undelivered: matching, events).")
    boolean json;

    @Option(names = "--undelivered", description = "The web app's events not delivered to events.webhook_url instead"
            + " (--user and --limit apply, the oldest first; --since and --outcome do not).")
    boolean undelivered;

    /** What {@code --json} prints. */
    record Report(String since, long matching, List<Event> events) {}

    /** What {@code --undelivered --json} prints. */
    record UndeliveredReport(long matching, List<UndeliveredEvents.Undelivered> events) {}

    @Override
    public Integer call() {
        if (undelivered && outcome != null) {
            throw new ParameterException(spec.commandLine(), "--outcome is for Stripe's events, not with --undelivered");
        }
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw new ParameterException(spec.commandLine(), "--outcome: '" + outcome + "' is none of "
                    + String.join(", ", OUTCOMES));
        }
        LimitOption.requirePositive(spec, limit);
        if (undelivered) {
            return listUndelivered();
        }
        Instant from = Instant.now().minus(since);
        Filter filter = new Filter(from, Optional.ofNullable(outcome), Optional.ofNullable(userId), limit);
        Inspection inspection = new Inspection(spec, "events");
        return inspection.run(configOption.load(), db -> {
            Page page = new EventLog().list(db, filter);
            if (json) {
                inspection.printJson(new Report(Timestamps.format(from), page.matching(), page.events()));
            } else {
                print(inspection.out(), page, Timestamps.format(from));
            }
            return ExitCodes.OK;
        });
    }

    private int listUndelivered() {
        Inspection inspection = new Inspection(spec, "events");
        return inspection.run(configOption.load(), db -> {
            UndeliveredEvents.Page page = new UndeliveredEvents().list(db, Optional.ofNullable(userId), limit,
                    Instant.now());
            if (json) {
                inspection.printJson(new UndeliveredReport(page.matching(), page.events()));
            } else {
                printUndelivered(inspection.out(), page);
            }
            return ExitCodes.OK;
        });
    }

    private void printUndelivered(PrintWriter out, UndeliveredEvents.Page page) {
        String which = "undelivered " + (page.matching() == 1 ? "event" : "events")
                + (userId == null ? "" : " of user " + userId);
        if (!printHeading(out, page.events().size(), page.matching(), which, "oldest")) {
            return;
        }
        TextTable table = new TextTable().row("CREATED", "USER", "SEQ", "TYPE", "EVENT", "STATE", "ATTEMPTS",
                "NEXT ATTEMPT", "LAST ERROR");
        for (UndeliveredEvents.Undelivered event : page.events()) {
            table.row(event.createdAt(), event.userId(), Long.toString(event.sequence()), event.type(),
                    event.eventId(), event.state(), Integer.toString(event.attempts()),
                    event.nextAttemptAt() == null ? "-" : event.nextAttemptAt(),
                    event.lastError() == null ? "" : event.lastError());
        }
        table.print(out, "");
        out.flush();
    }

    private void print(PrintWriter out, Page page, String from) {
        String which = (outcome == null ? "" : outcome + " ") + (page.matching() == 1 ? "event" : "events")
                + (userId == null ? "" : " about user " + userId) + " since " + from;
        if (!printHeading(out, page.events().size(), page.matching(), which, "newest")) {
            return;
        }
        TextTable table = new TextTable().row("TIME", "OUTCOME", "TYPE", "EVENT", "USER", "DETAIL");
        for (Event event : page.events()) {
            table.row(event.processedAt(), event.outcome(), event.type(), event.eventId(),
                    event.userId() == null ? "-" : event.userId(), event.detail() == null ? "" : event.detail());
        }
        table.print(out, "");
        out.flush();
    }

    /**
     * The line above a listing: "no …" (false: nothing to list), or how many of how many matching
     * are listed, {@code end} ("oldest", "newest") first.
     */
    private static boolean printHeading(PrintWriter out, int listed, long matching, String which, String end) {
        if (listed == 0) {
            out.println("no " + which);
            out.flush();
            return false;
        }
        out.println(matching > listed
                ? "the " + end + " " + listed + " of " + matching + " " + which + " (--limit):"
                : matching + " " + which + ", " + end + " first:");
        return true;
    }
}
