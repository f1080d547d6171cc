package coinpurse.cli;

import static coinpurse.cli.MoneyStory.sql;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.CliRun;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coinpurse verify}'s money identities, on a database written by real flows ({@link MoneyStory})
 * and then damaged one way with plain SQL: a purchase's paid lot gone or unlike its session, a money
 * history that refunds more than was paid, more paid coins unspent than were bought.
 */
class VerifyMoneyTest {
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
    void everyPurchaseOfTheStoryIsValuedAndAddsUp() {
        CliRun run = verify("--json");

        assertEquals(0, run.exit(), run.out() + run.err());
        assertEquals(5, TestServer.parse(run.out()).at("/checked/valued_purchases").asLong());
    }

    /**
     * A paid lot that is gone, of another price, or doubled leaves the purchase's money unjudged: the
     * lot check names it, once (its money is not judged on a lot that is wrong).
     */
    @Test
    void aPurchaseWhosePaidLotIsGoneIsNamedOnceAsALotProblem() {
        sql(server, "UPDATE coin_lots SET session_id = NULL WHERE kind = 'paid' AND session_id = '"
                + story.daveStarter + "'");

        assertOnlyProblemStartingWith("user dave: lot_mismatch: purchase " + story.daveStarter);
    }

    @Test
    void aPaidLotOfAnotherPriceIsNamedOnceAsALotProblem() {
        sql(server, "UPDATE coin_lots SET amount_cents = 1899 WHERE kind = 'paid' AND session_id = '"
                + story.alicePopular + "'");

        assertOnlyProblemStartingWith("user alice: lot_mismatch: purchase " + story.alicePopular);
    }

    @Test
    void aSecondPaidLotOfOnePurchaseIsNamedAsALotProblemAndNotAsMoney() {
        sql(server, "INSERT INTO coin_lots (user_id, kind, session_id, entry_id, coins, remaining, amount_cents, currency,"
                + " created_at) SELECT user_id, kind, session_id, entry_id, coins, 0, amount_cents, currency, created_at"
                + " FROM coin_lots WHERE kind = 'paid' AND session_id = '" + story.erinPopular + "'");

        CliRun run = verify();

        assertTrue(problemLines(run).stream().anyMatch(line -> line.startsWith("user erin: lot_mismatch: purchase "
                + story.erinPopular)), run.out());
        assertTrue(problemLines(run).stream().noneMatch(line -> line.contains("money_mismatch")), run.out());
    }

    @Test
    void moreRefundedThanPaidIsNamed() {
        sql(server, "UPDATE purchase_money_history SET refunded_cents = 5000 WHERE session_id = '"
                + story.bobBestValue + "'");

        assertOnlyProblem("user bob: money_mismatch: purchase " + story.bobBestValue + ": refunded 5000 cents of 3999;"
                + " liability 0 cents is not within 0..-1001 (its price less what was refunded)");
    }

    @Test
    void aPaidLotOfOtherCoinsThanItsSessionSoldIsNamedAsALotProblemAndNotAsMoney() {
        // Alice's session now says 100 paid coins; her paid lot of 500 still holds 350.
        sql(server, "UPDATE payment_sessions SET coins = 100 WHERE session_id = '" + story.alicePopular + "'");

        CliRun run = verify();

        assertEquals(1, run.exit(), run.out());
        assertTrue(problemLines(run).stream().anyMatch(line -> line.startsWith("user alice: lot_mismatch: purchase "
                + story.alicePopular)), run.out());
        assertTrue(problemLines(run).stream().noneMatch(line -> line.contains("money_mismatch")), run.out());
    }

    private void assertOnlyProblemStartingWith(String start) {
        CliRun run = verify();
        assertEquals(1, run.exit(), run.out() + run.err());
        assertEquals(1, problemLines(run).size(), run.out());
        assertTrue(problemLines(run).get(0).startsWith(start), run.out());
    }

    private void assertOnlyProblem(String expected) {
        CliRun run = verify();
        assertEquals(1, run.exit(), run.out() + run.err());
        assertEquals(List.of(expected), problemLines(run), run.out());
    }

    private static List<String> problemLines(CliRun run) {
        return run.outLines().stream().filter(line -> line.startsWith("PROBLEM "))
                .map(line -> line.substring("PROBLEM ".length())).toList();
    }

    private CliRun verify(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("verify", "--config", config.toString()));
        args.addAll(List.of(extra));
        return CliRun.run(args.toArray(String[]::new));
    }
}
