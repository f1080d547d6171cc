package coinpurse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.Buyer;
import coinpurse.support.CliRun;
import coinpurse.support.MovableClock;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code coinpurse liability}, run in-process through {@code Main.run} against the database of a
 * running server whose purchases, spends and refunds came through its API and the fake Stripe, at
 * moments the test chose. The figures are those worked by hand in {@code LiabilityReportTest}.
 *
 * <pre>
 *   usd  ann   popular (1999 for 500 paid + 50 bonus), spends 187, refunded 500  → 500 / 595 / 904, 226 unspent
 *   usd  ben   popular, untouched                                                 → 0 / 0 / 1999, 500 unspent
 *   eur  cleo  starter (4.99 eur for 100 paid coins), spends 37                   → 0 / 184 / 315, 63 unspent
 * </pre>
 */
class LiabilityCommandTest {
    static final String API_KEY = "liability-cli-key-0123456789";

    static MovableClock clock;
    static TestServer server;
    static Path config;
    /** When only ann's and ben's purchases had happened. */
    static Instant usdOnly;
    /** When everything had happened. */
    static Instant all;

    @BeforeAll
    static void happen() throws Exception {
        clock = new MovableClock(Instant.parse("2024-03-01T10:00:00Z"));
        server = TestServer.startInTempDir(Map.of("INTERNAL_API_KEY", API_KEY, "RATELIMIT_CHECKOUT_PER_MINUTE", "1000",
                "PACKAGES_STARTER_CURRENCY", "eur"), clock);
        config = server.writeCliConfig(Files.createTempDirectory("liability-cli").resolve("cli.properties"));
        Buyer ann = Buyer.of(server, clock, API_KEY, "ann");
        String annPopular = ann.buy("popular");
        ann.spend(187);
        ann.refund(annPopular, 500);
        Buyer.of(server, clock, API_KEY, "ben").buy("popular");
        usdOnly = clock.instant();
        Buyer cleo = Buyer.of(server, clock, API_KEY, "cleo");
        cleo.buy("starter");
        cleo.spend(37);
        all = clock.instant();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theTableHasOneLinePerCurrencyAndATotalOfCoinsWhenCurrenciesDiffer() {
        CliRun run = cli("--as-of", all.toString());

        assertEquals(0, run.exit(), run.err());
        assertEquals(List.of(
                "money report as of 2024-03-01T10:00:09.000Z (what committed at or before it)",
                "CURRENCY  PURCHASES  PURCHASED  REFUNDED  RECOGNIZED  LIABILITY  UNSPENT PAID COINS",
                "eur               1       4.99      0.00        1.84       3.15                  63",
                "usd               2      39.98      5.00        5.95      29.03                 726",
                "total             3          -         -           -          -                 789",
                "purchased = refunded + recognized + liability; liability: unspent paid coins at their purchase's"
                        + " price (bonus coins are worth nothing)"), run.outLines());
        assertEquals("", run.err());
    }

    @Test
    void withOneCurrencyTheTotalHasItsMoneyToo() {
        CliRun run = cli("--as-of", usdOnly.toString());

        assertEquals(0, run.exit(), run.err());
        assertEquals(List.of(
                "CURRENCY  PURCHASES  PURCHASED  REFUNDED  RECOGNIZED  LIABILITY  UNSPENT PAID COINS",
                "usd               2      39.98      5.00        5.95      29.03                 726",
                "total             2      39.98      5.00        5.95      29.03                 726"),
                run.outLines().subList(1, 4));
    }

    @Test
    void jsonIsTheSameDocumentAsTheRoute() throws Exception {
        for (Instant asOf : List.of(usdOnly, all)) {
            CliRun run = cli("--as-of", asOf.toString(), "--json");

            assertEquals(0, run.exit(), run.err());
            HttpResponse<String> route = server.send(HttpRequest.newBuilder(
                    URI.create(server.url("/api/internal/liability?as_of=" + asOf)))
                    .header("Authorization", "Bearer " + API_KEY).GET());
            assertEquals(200, route.statusCode(), route.body());
            assertEquals(TestServer.json(route), TestServer.parse(run.out()));
        }
        JsonNode report = TestServer.parse(cli("--as-of", all.toString(), "--json").out());
        assertEquals("2024-03-01T10:00:09.000Z", report.get("as_of").asText());
        assertEquals(726, report.at("/currencies/usd/unspent_paid_coins").asLong());
        assertEquals(315, report.at("/currencies/eur/liability_cents").asLong());
        assertEquals(3, report.get("purchases").size());
    }

    @Test
    void withoutAsOfItReportsNow() {
        CliRun run = cli("--json");

        assertEquals(0, run.exit(), run.err());
        JsonNode report = TestServer.parse(run.out());
        // The database's stamps are the test clock's, long before the real now.
        Instant asOf = Instant.parse(report.get("as_of").asText());
        assertTrue(asOf.isAfter(all) && !asOf.isAfter(Instant.now()), asOf.toString());
        assertEquals(TestServer.parse(cli("--as-of", all.toString(), "--json").out()).get("currencies"),
                report.get("currencies"));
    }

    @Test
    void beforeAnyPurchaseItSaysSo() {
        CliRun run = cli("--as-of", "2024-03-01T10:00:00Z");

        assertEquals(0, run.exit(), run.err());
        assertEquals(List.of("no purchase credited at or before 2024-03-01T10:00:00.000Z"), run.outLines());
    }

    @Test
    void aMalformedOrFutureAsOfIsAUsageError() {
        CliRun malformed = cli("--as-of", "2024-03-01");
        assertEquals(2, malformed.exit());
        assertTrue(malformed.err().contains("--as-of must be an ISO-8601 date and time in UTC, such as"
                + " 2026-12-31T23:59:59Z."), malformed.err());
        assertEquals("", malformed.out());

        CliRun future = cli("--as-of", Instant.now().plusSeconds(3600).toString());
        assertEquals(2, future.exit());
        assertTrue(future.err().contains("is in the future"), future.err());
    }

    @Test
    void aMissingDatabaseIsTrouble() throws Exception {
        Path dir = Files.createTempDirectory("liability-missing");
        Path missing = dir.resolve("nowhere/coinpurse.db");
        Path elsewhere = Files.writeString(dir.resolve("missing.properties"), "db.path=" + missing
                + "\nauth.jwt_secret=" + TestServer.JWT_SECRET + "\n");

        CliRun run = CliRun.run("liability", "--config", elsewhere.toString());

        assertEquals(2, run.exit());
        assertEquals("coinpurse: liability could not run: no database at " + missing.toAbsolutePath()
                + " (check db.path and the working directory)", run.err().strip());
    }

    private static CliRun cli(String... extra) {
        List<String> args = new ArrayList<>(List.of("liability", "--config", config.toString()));
        args.addAll(List.of(extra));
        return CliRun.run(args.toArray(String[]::new));
    }
}
