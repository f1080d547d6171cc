package coinpurse.cli;

import coinpurse.audit.UserLookup;
import coinpurse.audit.UserReport;
import coinpurse.audit.UserReport.Entry;
import coinpurse.audit.UserReport.FraudWarning;
import coinpurse.audit.UserReport.Purchase;
import coinpurse.catalog.Money;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Prints one user's balance (with its paid and bonus coins, what holds reserve and what is available),
 * purchases (refunds and disputes included) and latest ledger rows (with their paid and bonus parts).
 */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = {
            "Print a user's balance (paid and bonus coins, held, available), their purchases with their states"
                    + " (refunded, disputed, coins taken back) and their latest ledger rows with their paid and bonus"
                    + " parts.",
            "Exit 0, 1 no such user, 2 could not read the database."})
public final class UserCommand implements Callable<Integer> {
    @Mixin
    ConfigOption configOption = new ConfigOption();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "USER_ID", description = "The user's id, as in their token's sub.")
    String userId;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
            description = "Show at most N purchases and N ledger rows, the newest (default 20).")
    int limit;

    @Option(names = "--json", description = "Print one JSON document: the balance, purchases and latest entries.")
    boolean json;

    /** What {@code --json} prints: the report, each purchase with its state in words too. */
    record Report(String userId, long balance, long paid, long bonus, long held, long available, String createdAt,
            long purchaseCount, List<PurchaseJson> purchases, long entryCount, List<Entry> latestEntries) {}

    record PurchaseJson(String sessionId, String packageId, String status, String state, long coins, long amountCents,
            String currency, String paymentIntent, long amountRefunded, long coinsReversed, String dispute,
            String createdAt, String completedAt, List<FraudWarning> fraudWarnings) {}

    @Override
    public Integer call() {
        LimitOption.requirePositive(spec, limit);
        Inspection inspection = new Inspection(spec, "user");
        return inspection.run(configOption.load(), db -> {
            Optional<UserReport> found = new UserLookup().find(db, userId, limit);
            if (found.isEmpty()) {
                return inspection.no("no user " + userId + " in this database (a user is stored from their first"
                        + " checkout, purchase or grant)");
            }
            if (json) {
                inspection.printJson(json(found.get()));
            } else {
                print(inspection.out(), found.get());
            }
            return ExitCodes.OK;
        });
    }

    private static Report json(UserReport user) {
        return new Report(user.userId(), user.balance(), user.paid(), user.bonus(), user.held(), user.available(),
                user.createdAt(), user.purchaseCount(),
                user.purchases().stream().map(p -> new PurchaseJson(p.sessionId(), p.packageId(), p.status(), p.state(),
                        p.coins(), p.amountCents(), p.currency(), p.paymentIntent(), p.amountRefunded(),
                        p.coinsReversed(), p.dispute(), p.createdAt(), p.completedAt(), p.fraudWarnings())).toList(),
                user.entryCount(), user.latestEntries());
    }

    private static void print(PrintWriter out, UserReport user) {
        out.println("user " + user.userId() + ": balance " + user.balance() + ": paid " + user.paid() + ", bonus "
                + user.bonus() + (user.debt() > 0 ? ", debt " + user.debt() : "") + ", held " + user.held()
                + ", available " + user.available() + " (first seen " + user.createdAt() + ")");
        if (user.purchases().isEmpty()) {
            out.println("no purchases");
        } else {
            out.println(heading("purchase", user.purchases().size(), user.purchaseCount()));
            TextTable table = new TextTable();
            for (Purchase p : user.purchases()) {
                table.row(p.createdAt(), p.sessionId(), p.packageId(), p.coins() + " coins",
                        Money.fromCents(p.amountCents()).toPlainString() + " " + p.currency(), p.state());
            }
            table.print(out, "  ");
        }
        if (user.latestEntries().isEmpty()) {
            out.println("no ledger rows");
        } else {
            out.println(heading("ledger row", user.latestEntries().size(), user.entryCount()));
            TextTable table = new TextTable();
            for (Entry e : user.latestEntries()) {
                table.row(e.createdAt(), "#" + e.id(), signed(e.delta()), "balance " + e.balanceAfter(),
                        "paid " + signed(e.paid()), "bonus " + signed(e.bonus()), e.reason(),
                        e.reference() == null ? "" : e.reference());
            }
            table.print(out, "  ");
        }
        out.flush();
    }

    private static String signed(long change) {
        return (change > 0 ? "+" : "") + change;
    }

    private static String heading(String what, int shown, long total) {
        return shown < total
                ? "the newest " + shown + " of " + total + " " + what + "s (--limit):"
                : total + " " + what + (total == 1 ? "" : "s") + ", newest first:";
    }
}
