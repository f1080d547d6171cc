package coinpurse.cli;

import coinpurse.audit.Audit;
import coinpurse.audit.AuditReport;
import coinpurse.audit.Checked;
import coinpurse.audit.Problem;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Audits the whole database on one read-only snapshot, safely while the server serves: balances
 * against ledgers, ledger chains, purchases against sessions, refunds and disputes against
 * purchases, spends and grants against their idempotency records.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {
            "Audit the whole database (read-only, one snapshot, safe while serving): every balance equals its ledger,"
                    + " every ledger row's balance_after chains, every paid session has exactly one purchase row,"
                    + " every refund and dispute matches its purchase, every spend and grant has its idempotency"
                    + " record, every purchase's money adds up (its paid lot; refunded, recognized and liability to"
                    + " the cent).",
            "Exit 0 no problem, 1 problems found (each named with its user), 2 could not check."})
public final class VerifyCommand implements Callable<Integer> {
    /** How the text names one of each thing checked. */
    private static final Map<String, String> ONE = Map.of("balances", "balance", "ledger_rows", "ledger_row",
            "sessions", "session", "refunded_or_disputed_purchases", "refunded_or_disputed_purchase",
            "spends_and_grants", "spend_or_grant", "valued_purchases", "valued_purchase", "lots", "lot");

    @Mixin
    ConfigOption configOption = new ConfigOption();

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON document: ok, checked (counts) and problems.")
    boolean json;

    /** What {@code --json} prints. */
    record Report(boolean ok, Map<String, Long> checked, List<ProblemJson> problems) {}

    record ProblemJson(String kind, String userId, String detail) {}

    @Override
    public Integer call() {
        Inspection inspection = new Inspection(spec, "verify");
        return inspection.run(configOption.load(), db -> {
            AuditReport report = new Audit().run(db);
            if (json) {
                inspection.printJson(new Report(report.ok(), counts(report), report.problems().stream()
                        .map(p -> new ProblemJson(p.kind().value(), p.userId(), p.detail())).toList()));
            } else {
                print(inspection.out(), report);
            }
            return report.ok() ? ExitCodes.OK : ExitCodes.NO;
        });
    }

    private static void print(PrintWriter out, AuditReport report) {
        out.println("checked " + report.checked().stream()
                .map(c -> c.count() + " " + (c.count() == 1 ? ONE.getOrDefault(c.what(), c.what()) : c.what())
                        .replace('_', ' '))
                .collect(Collectors.joining(", ")) + " (one snapshot)");
        for (Problem problem : report.problems()) {
            out.println("PROBLEM " + (problem.userId() == null ? "" : "user " + problem.userId() + ": ")
                    + problem.kind().value() + ": " + problem.detail());
        }
        int count = report.problems().size();
        out.println(count == 0 ? "no problems" : count + (count == 1 ? " problem" : " problems") + " found");
        out.flush();
    }

    private static Map<String, Long> counts(AuditReport report) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Checked c : report.checked()) {
            counts.put(c.what(), c.count());
        }
        return counts;
    }
}
