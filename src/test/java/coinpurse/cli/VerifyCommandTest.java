package coinpurse.cli;

import static coinpurse.cli.MoneyStory.sql;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.CliRun;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coinpurse verify}, run in-process through {@code Main.run} while the server that wrote the
 * database still serves it. Each test gets a fresh server and database written by real flows
 * ({@link MoneyStory}), corrupts its own copy one way with plain SQL, and sees verify name that
 * problem and its user, and nothing else.
 */
class VerifyCommandTest {
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
    void aDatabaseWrittenByRealPurchasesRefundsDisputesSpendsAndGrantsPasses() {
        CliRun run = verify();

        assertEquals(0, run.exit(), run.out() + run.err());
        assertEquals(List.of(
                "checked 7 balances, " + server.rowsIn("coin_ledger") + " ledger rows, 7 sessions,"
                        + " 3 refunded or disputed purchases, 4 spends and grants, 5 valued purchases, "
                        + server.rowsIn("coin_lots") + " lots (one snapshot)",
                "no problems"), run.outLines());
        assertEquals("", run.err());

        JsonNode json = TestServer.parse(verify("--json").out());
        assertTrue(json.get("ok").asBoolean());
        assertEquals(7, json.at("/checked/balances").asLong());
        assertEquals(server.rowsIn("coin_ledger"), json.at("/checked/ledger_rows").asLong());
        assertEquals(7, json.at("/checked/sessions").asLong());
        assertEquals(3, json.at("/checked/refunded_or_disputed_purchases").asLong());
        assertEquals(4, json.at("/checked/spends_and_grants").asLong());
        assertEquals(5, json.at("/checked/valued_purchases").asLong());
        assertEquals(server.rowsIn("coin_lots"), json.at("/checked/lots").asLong());
        assertEquals(0, json.get("problems").size());
    }

    @Test
    void aBalanceThatDiffersFromItsLedgerSumIsNamedWithItsUser() {
        sql(server, "UPDATE users SET balance = balance + 5 WHERE id = 'alice'");

        assertOnlyProblem("user alice: balance_mismatch: balance 455 but its ledger sums to 450 (3 rows)",
                "user alice: lots_mismatch: balance 455 but its lots hold 450 coins and it owes 0: 450");
    }

    @Test
    void aBrokenBalanceAfterChainIsNamedAtItsFirstBrokenRow() {
        long first = server.queryLong("SELECT MIN(id) FROM coin_ledger WHERE user_id = ?", "alice");
        sql(server, "UPDATE coin_ledger SET balance_after = 557 WHERE id = " + first);

        assertOnlyProblem("user alice: broken_chain: ledger row " + first + " (purchase): 0 + 550 = 550 but its"
                + " balance_after is 557 (1 more broken link after it)");
    }

    @Test
    void aCompletedSessionWithoutItsPurchaseRowIsNamed() {
        sql(server, "UPDATE payment_sessions SET status = 'completed' WHERE session_id = '" + story.davePending + "'");

        assertOnlyProblem("user dave: missing_purchase: session " + story.davePending
                + " is completed but the ledger has no purchase row for it");
    }

    @Test
    void aSessionCreditedTwiceIsNamed() {
        // The unique index forbids it; a database restored or edited by hand may lack the index.
        sql(server, "DROP INDEX coin_ledger_one_purchase_per_session",
                "INSERT INTO coin_ledger (user_id, delta, balance_after, reason, reference, created_at)"
                        + " VALUES ('dave', 100, 170, 'purchase', '" + story.daveStarter + "', '2099-01-01T00:00:00.000Z')",
                "UPDATE users SET balance = 170 WHERE id = 'dave'");

        long duplicate = server.queryLong("SELECT MAX(id) FROM coin_ledger WHERE user_id = ?", "dave");
        assertOnlyProblem("user dave: duplicate_purchase: session " + story.daveStarter
                + " is credited 2 times in the ledger",
                "user dave: lots_mismatch: balance 170 but its lots hold 70 coins and it owes 0: 70",
                "user dave: missing_lots: purchase " + story.daveStarter + " (ledger row " + duplicate + ") has no"
                        + " lots: its session makes them a paid lot of 100 coins for 499 usd cents");
    }

    @Test
    void aPurchaseRowOfASessionThatIsNotPaidIsNamed() {
        sql(server, "UPDATE payment_sessions SET status = 'expired' WHERE session_id = '" + story.daveStarter + "'");

        assertOnlyProblem("user dave: purchase_without_paid_session: session " + story.daveStarter
                + " is expired but the ledger has 1 purchase row for it");
    }

    @Test
    void coinsTakenBackThatDifferFromTheRefundRowsAreNamed() {
        sql(server, "UPDATE payment_sessions SET coins_reversed = 360 WHERE session_id = '" + story.bobBestValue + "'");

        assertOnlyProblem("user bob: reversal_mismatch: purchase " + story.bobBestValue + ": it shows 360 coins taken"
                + " back but its refund and dispute ledger rows took 350; Stripe's records make it 350 coins taken"
                + " back, 1000 cents refunded, dispute none, status completed but it is 360 coins taken back,"
                + " 1000 cents refunded, dispute none, status completed");
    }

    @Test
    void aPurchaseThatDoesNotShowWhatStripesRecordsSayIsNamed() {
        // The refund is kept as failed, yet the purchase still shows its coins taken.
        sql(server, "UPDATE stripe_refunds SET status = 'failed' WHERE payment_intent = '"
                + server.storedPaymentIntent(story.bobBestValue) + "'");

        assertOnlyProblem("user bob: reversal_mismatch: purchase " + story.bobBestValue + ": Stripe's records make it"
                + " 0 coins taken back, 0 cents refunded, dispute none, status completed but it is 350 coins taken"
                + " back, 1000 cents refunded, dispute none, status completed");
    }

    @Test
    void aLostDisputeWhoseCoinsCameBackIsNamed() {
        sql(server, "UPDATE payment_sessions SET coins_reversed = 0, status = 'completed' WHERE session_id = '"
                + story.carolPopular + "'");

        CliRun run = verify();

        assertEquals(1, run.exit(), run.out());
        List<String> problems = problemLines(run);
        assertEquals(1, problems.size(), run.out());
        assertTrue(problems.get(0).startsWith("user carol: reversal_mismatch: purchase " + story.carolPopular
                + ": it shows 0 coins taken back but its refund and dispute ledger rows took 550; Stripe's records"
                + " make it 550 coins taken back, 0 cents refunded, dispute lost, status refunded"), problems.get(0));
    }

    @Test
    void aSpendWithoutItsIdempotencyRecordIsNamed() {
        long entry = server.queryLong("SELECT ledger_entry_id FROM wallet_operations WHERE idempotency_key = ?",
                "alice-sword");
        sql(server, "DELETE FROM wallet_operations WHERE idempotency_key = 'alice-sword'");

        assertOnlyProblem("user alice: missing_idempotency_record: ledger row " + entry + " (spend of 200, key"
                + " alice-sword) has no idempotency record: the same key sent again would spend again");
    }

    @Test
    void everyProblemIsNamedAndJsonListsThemForScripts() {
        sql(server, "UPDATE users SET balance = 1 WHERE id = 'frank'",
                "DELETE FROM wallet_operations WHERE idempotency_key = 'dave-potion'");

        CliRun text = verify();
        CliRun json = verify("--json");

        assertEquals(1, text.exit());
        assertEquals(3, problemLines(text).size(), text.out());
        assertEquals("3 problems found", text.outLines().get(text.outLines().size() - 1));
        assertEquals(1, json.exit());
        JsonNode report = TestServer.parse(json.out());
        assertFalse(report.get("ok").asBoolean());
        List<String> found = new ArrayList<>();
        report.get("problems").forEach(p -> found.add(p.get("kind").asText() + " " + p.get("user_id").asText()));
        assertEquals(List.of("balance_mismatch frank", "missing_idempotency_record dave", "lots_mismatch frank"),
                found);
        assertTrue(report.at("/problems/0/detail").asText().startsWith("balance 1 but its ledger sums to 25 (1 row)"));
    }

    @Test
    void itPassesWhileTheServerKeepsWritingAndDoesNotHoldWritersUp() throws Exception {
        AtomicBoolean verifying = new AtomicBoolean(true);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> grants = writer.submit(() -> {
                int made = 0;
                while (verifying.get()) {
                    story.wallet("grant", "writer-" + (made % 3), 1, "busy-" + made);
                    made++;
                }
                return made;
            });
            int before = (int) server.rowsIn("wallet_operations");
            for (int i = 0; i < 5; i++) {
                CliRun run = verify();
                assertEquals(0, run.exit(), run.out() + run.err());
            }
            assertTrue(server.rowsIn("wallet_operations") > before, "grants were written while verify ran");
            verifying.set(false);
            assertTrue(grants.get() > 0);
        } finally {
            verifying.set(false);
            writer.shutdown();
        }
        assertEquals(0, verify().exit());
    }

    @Test
    void aMissingDatabaseIsTroubleNotAnEmptyPass() throws Exception {
        Path missing = dir.resolve("nowhere/coinpurse.db");
        Path elsewhere = Files.writeString(dir.resolve("missing.properties"), "db.path=" + missing
                + "\nauth.jwt_secret=" + TestServer.JWT_SECRET + "\n");

        CliRun run = CliRun.run("verify", "--config", elsewhere.toString());

        assertEquals(2, run.exit());
        assertEquals("coinpurse: verify could not run: no database at " + missing.toAbsolutePath()
                + " (check db.path and the working directory)", run.err().strip());
        assertFalse(Files.exists(missing.getParent()));
    }

    private void assertOnlyProblem(String... expected) {
        CliRun run = verify();
        assertEquals(1, run.exit(), run.out() + run.err());
        assertEquals(List.of(expected), problemLines(run), run.out());
        assertEquals(expected.length + (expected.length == 1 ? " problem" : " problems") + " found",
                run.outLines().get(run.outLines().size() - 1));
        assertTrue(run.outLines().get(0).startsWith("checked 7 balances, "), run.out());
    }

    private static List<String> problemLines(CliRun run) {
        return run.outLines().stream().filter(line -> line.startsWith("PROBLEM "))
                .map(line -> line.substring("PROBLEM ".length())).toList();
    }

    private CliRun verify(String... extra) {
        List<String> args = new ArrayList<>(List.of("verify", "--config", config.toString()));
        args.addAll(List.of(extra));
        return CliRun.run(args.toArray(String[]::new));
    }
}
