package coinpurse.cli;

import static coinpurse.cli.MoneyStory.sql;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.CliRun;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coinpurse verify}'s lot checks (audit/LotCheck), on a database written by real flows
 * ({@link MoneyStory}) whose lots, debts or ledger parts a test damages on purpose with plain SQL:
 * verify names each problem and its user, and nothing else.
 *
 * <pre>
 *   alice  popular: paid lot 500, bonus lot 50; the spend of 200 took the 50 bonus, then 150 paid;
 *          the grant of 100 is a bonus lot                                    → paid 350, bonus 100
 *   dave   starter: paid lot 100 (no bonus); the spend of 30 took 30 of it    → paid 70
 *   frank  granted 25: a bonus lot                                            → bonus 25
 * </pre>
 */
class VerifyLotsTest {
    @TempDir
    Path dir;
    @RunningServer(env = {"INTERNAL_API_KEY=" + MoneyStory.API_KEY, "RATELIMIT_CHECKOUT_PER_MINUTE=1000"})
    TestServer server;
    MoneyStory story;
    Path config;

    @BeforeEach
    void tellTheStory() {
        story = MoneyStory.tell(server);
        config = server.writeCliConfig(dir.resolve("verify.properties"));
    }

    @Test
    void everyLotOfADatabaseWrittenByRealFlowsIsCountedAndPasses() {
        CliRun run = verify();

        assertEquals(0, run.exit(), run.out() + run.err());
        assertTrue(run.outLines().get(0).endsWith(", " + server.rowsIn("coin_lots") + " lots (one snapshot)"),
                run.out());
        JsonNode json = TestServer.parse(verify("--json").out());
        assertEquals(server.rowsIn("coin_lots"), json.at("/checked/lots").asLong());
        assertEquals(0, json.get("problems").size());
    }

    @Test
    void aLotWhoseRemainingIsNotItsCoinsLessItsMovesIsNamedAndSoIsItsUsersBalance() {
        long lot = paidLotOf(story.alicePopular);
        sql(server, "UPDATE coin_lots SET remaining = remaining + 5 WHERE id = " + lot);

        assertProblems(
                "user alice: lots_mismatch: balance 450 but its lots hold 455 coins and it owes 0: 455",
                "user alice: lot_mismatch: lot " + lot + " (paid coins of purchase " + story.alicePopular
                        + "): remaining 355 but its 500 coins less its moves' 150 leave 350");
    }

    @Test
    void movesThatTakeMoreThanALotHeldAreNamed() {
        long lot = paidLotOf(story.daveStarter);
        long spend = entryOf("dave-potion");
        sql(server, "UPDATE lot_moves SET coins = 130 WHERE lot_id = " + lot + " AND entry_id = " + spend);

        String described = "lot " + lot + " (paid coins of purchase " + story.daveStarter + ")";
        assertProblems(
                "user dave: lot_mismatch: " + described + ": remaining 70 but its 100 coins less its moves' 130"
                        + " leave -30",
                "user dave: lot_mismatch: " + described + ": its moves leave -30 of its 100 coins, outside 0 to 100",
                "user dave: entry_parts_mismatch: ledger row " + spend + " (spend of -30): paid -30 and bonus 0 but"
                        + " its lots make it paid -130 and bonus 0");
    }

    @Test
    void aDebtBesideCoinsIsNamed() {
        sql(server, "UPDATE users SET debt = 5, balance = 20 WHERE id = 'frank'");

        assertProblems("user frank: balance_mismatch: balance 20 but its ledger sums to 25 (1 row)",
                "user frank: debt_with_coins: a debt of 5 while its lots still hold 25 coins: debt is only what no"
                        + " coin covers, and every credit repays it first");
    }

    @Test
    void aNegativeDebtIsNamed() {
        // The schema refuses it; a database edited by hand, or restored without its constraints, may not.
        if (TestServer.onPostgres()) {
            sql(server, "ALTER TABLE users DROP CONSTRAINT users_debt_check",
                    "UPDATE users SET debt = -5 WHERE id = 'frank'");
        } else {
            sql(server, "PRAGMA ignore_check_constraints = true", "UPDATE users SET debt = -5 WHERE id = 'frank'",
                    "PRAGMA ignore_check_constraints = false");
        }

        assertProblems("user frank: negative_debt: a debt of -5: a debt is never below zero",
                "user frank: lots_mismatch: balance 25 but its lots hold 25 coins and it owes -5: 30");
    }

    @Test
    void aRowWhosePaidAndBonusPartsAreNotItsLotMovesIsNamed() {
        long spend = entryOf("alice-sword");
        sql(server, "UPDATE coin_ledger SET paid = paid - 10, bonus = bonus + 10 WHERE id = " + spend);

        assertProblems("user alice: entry_parts_mismatch: ledger row " + spend + " (spend of -200): paid -160 and bonus"
                + " -40 but its lots make it paid -150 and bonus -50");
    }

    @Test
    void aPurchaseWithoutItsLotsIsNamed() {
        long purchase = server.queryLong("SELECT id FROM coin_ledger WHERE reason = 'purchase' AND reference = ?",
                story.daveStarter);
        sql(server, "DELETE FROM lot_moves WHERE lot_id IN (SELECT id FROM coin_lots WHERE session_id = '"
                + story.daveStarter + "')", "DELETE FROM coin_lots WHERE session_id = '" + story.daveStarter + "'");

        assertProblems(
                "user dave: lots_mismatch: balance 70 but its lots hold 0 coins and it owes 0: 0",
                "user dave: entry_parts_mismatch: ledger row " + purchase + " (purchase of 100): paid 100 and bonus 0"
                        + " but its lots make it paid 0 and bonus 0 (1 more such row after it)",
                "user dave: missing_lots: purchase " + story.daveStarter + " (ledger row " + purchase + ") has no"
                        + " lots: its session makes them a paid lot of 100 coins for 499 usd cents");
    }

    @Test
    void aPurchasesLotThatIsNotWhatItsSessionSoldIsNamed() {
        long purchase = server.queryLong("SELECT id FROM coin_ledger WHERE reason = 'purchase' AND reference = ?",
                story.daveStarter);
        sql(server, "UPDATE coin_lots SET amount_cents = 1 WHERE id = " + paidLotOf(story.daveStarter));

        assertProblems("user dave: lot_mismatch: purchase " + story.daveStarter + " (ledger row " + purchase + "): its"
                + " lots are a paid lot of 100 coins for 1 usd cents but its session makes them a paid lot of 100"
                + " coins for 499 usd cents");
    }

    @Test
    void lotsStillToBeBuiltFromTheLedgerAreOneProblemOfTheWholeDatabase() {
        sql(server, "INSERT INTO settings (name, value, updated_at) VALUES ('lots_from_history', 'pending',"
                + " '1970-01-01T00:00:00.000Z')");

        CliRun run = verify();

        assertEquals(1, run.exit(), run.out());
        assertEquals(List.of("lots_pending: the lots of this database's ledger from before lots are not built yet:"
                + " the server builds them at its next start (and so do reconcile and copy-db); if a start said it"
                + " could not, the other problems here say why"), problems(run));
        JsonNode json = TestServer.parse(verify("--json").out());
        assertEquals("lots_pending", json.at("/problems/0/kind").asText());
        assertTrue(json.at("/problems/0/user_id").isNull());
    }

    private long paidLotOf(String sessionId) {
        return server.queryLong("SELECT id FROM coin_lots WHERE kind = 'paid' AND session_id = ?", sessionId);
    }

    private long entryOf(String idempotencyKey) {
        return server.queryLong("SELECT ledger_entry_id FROM wallet_operations WHERE idempotency_key = ?",
                idempotencyKey);
    }

    private void assertProblems(String... expected) {
        CliRun run = verify();
        assertEquals(1, run.exit(), run.out() + run.err());
        assertEquals(List.of(expected), problems(run), run.out());
    }

    private static List<String> problems(CliRun run) {
        return run.outLines().stream().filter(line -> line.startsWith("PROBLEM "))
                .map(line -> line.substring("PROBLEM ".length())).toList();
    }

    private CliRun verify(String... extra) {
        List<String> args = new ArrayList<>(List.of("verify", "--config", config.toString()));
        args.addAll(List.of(extra));
        return CliRun.run(args.toArray(String[]::new));
    }
}
