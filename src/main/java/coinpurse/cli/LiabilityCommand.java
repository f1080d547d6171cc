package coinpurse.cli;

import coinpurse.catalog.Money;
import coinpurse.liability.AsOf;
import coinpurse.liability.CurrencyMoney;
import coinpurse.liability.Liabilities;
import coinpurse.liability.LiabilityReport;
import coinpurse.liability.PurchaseMoney;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The money report: what was paid, refunded, earned and is still owed in unspent paid coins, per currency. */
@Command(name = "liability", mixinStandardHelpOptions = true,
        description = {
            "Print the money report as of a moment (read-only, one snapshot, safe while serving): per currency what"
                    + " purchases paid, what was refunded (or is held by a dispute), what is recognized (earned by"
                    + " coins spent) and the liability (unspent paid coins at their purchase price; bonus coins are"
                    + " worth nothing). purchased = refunded + recognized + liability, to the cent. A report of a"
                    + " past moment never changes.",
            "Exit 0, 2 could not read the database."})
public final class LiabilityCommand implements Callable<Integer> {
    private static final int FIRST_NUMBER = 1;

    @Mixin
    ConfigOption configOption = new ConfigOption();

    @Spec
    CommandSpec spec;

    @Option(names = "--as-of", paramLabel = "TIME",
            description = "The moment, ISO-8601 in UTC such as 2026-12-31T23:59:59Z: what committed at or before it"
                    + " counts (default now).")
    String asOf;

    @Option(names = "--json", description = "Print the report as one JSON document: as_of, currencies, purchases"
            + " (what GET /api/internal/liability answers).")
    boolean json;

    @Override
    public Integer call() {
        Instant moment;
        try {
            moment = AsOf.parse("--as-of", asOf, Instant.now());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Inspection inspection = new Inspection(spec, "liability");
        return inspection.run(configOption.load(), db -> {
            LiabilityReport report = new Liabilities().report(db, moment);
            if (json) {
                inspection.printJson(report);
            } else {
                print(inspection.out(), report);
            }
            return ExitCodes.OK;
        });
    }

    private static void print(PrintWriter out, LiabilityReport report) {
        if (report.purchases().isEmpty()) {
            out.println("no purchase credited at or before " + report.asOf());
            out.flush();
            return;
        }
        out.println("money report as of " + report.asOf() + " (what committed at or before it)");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"CURRENCY", "PURCHASES", "PURCHASED", "REFUNDED", "RECOGNIZED", "LIABILITY",
            "UNSPENT PAID COINS"});
        for (Map.Entry<String, CurrencyMoney> currency : report.currencies().entrySet()) {
            CurrencyMoney sums = currency.getValue();
            long count = report.purchases().stream().filter(p -> p.currency().equals(currency.getKey())).count();
            rows.add(new String[] {currency.getKey(), Long.toString(count), amount(sums.purchasedCents()),
                amount(sums.refundedCents()), amount(sums.recognizedCents()), amount(sums.liabilityCents()),
                Long.toString(sums.unspentPaidCoins())});
        }
        rows.add(total(report));
        TextTable table = new TextTable();
        for (String[] row : alignNumbers(rows)) {
            table.row(row);
        }
        table.print(out, "");
        out.println("purchased = refunded + recognized + liability; liability: unspent paid coins at their"
                + " purchase's price (bonus coins are worth nothing)");
        out.flush();
    }

    /** All purchases; money only when they are of one currency, since sums of different ones mean nothing. */
    private static String[] total(LiabilityReport report) {
        long coins = report.purchases().stream().mapToLong(PurchaseMoney::unspentPaidCoins).sum();
        String count = Integer.toString(report.purchases().size());
        if (report.currencies().size() != 1) {
            return new String[] {"total", count, "-", "-", "-", "-", Long.toString(coins)};
        }
        CurrencyMoney sums = report.currencies().values().iterator().next();
        return new String[] {"total", count, amount(sums.purchasedCents()), amount(sums.refundedCents()),
            amount(sums.recognizedCents()), amount(sums.liabilityCents()), Long.toString(coins)};
    }

    private static String amount(long cents) {
        return Money.fromCents(cents).toPlainString();
    }

    /** Right-aligns the number columns (all but the first) under their headings. */
    private static List<String[]> alignNumbers(List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = FIRST_NUMBER; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        List<String[]> aligned = new ArrayList<>();
        for (String[] row : rows) {
            String[] padded = row.clone();
            for (int i = FIRST_NUMBER; i < columns; i++) {
                padded[i] = " ".repeat(widths[i] - row[i].length()) + row[i];
            }
            aligned.add(padded);
        }
        return aligned;
    }
}
