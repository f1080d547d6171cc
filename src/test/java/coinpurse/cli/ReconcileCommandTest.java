package coinpurse.cli;

import static coinpurse.support.CliRun.run;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.Main;
import coinpurse.support.CliRun;
import coinpurse.support.RunningServer;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coinpurse reconcile}, the real subcommand run in-process through {@link Main#run},
 * against a running server (real app, real database file) and the fake Stripe it talks to.
 */
@Tag("slow")
class ReconcileCommandTest {
    private static final long POPULAR = 550;
    private static final long STARTER = 100;

    @TempDir
    Path dir;
    /** A fresh server for each test. */
    @RunningServer(env = {"RATELIMIT_CHECKOUT_PER_MINUTE=1000"})
    TestServer server;
    Path config;

    @BeforeEach
    void writeConfig() {
        config = server.writeCliConfig(dir.resolve("reconcile.properties"));
    }

    @Test
    void paidSessionsWhoseWebhookNeverCameAreCreditedOnceWithALineEachAndASummary() {
        String alice = checkout("alice", "popular");
        String bob1 = checkout("bob", "popular");
        String bob2 = checkout("bob", "starter");
        String stillOpen = checkout("carol", "popular");
        String webhooked = checkout("dave", "popular");
        List.of(alice, bob1, bob2).forEach(server.stripe()::markPaid);
        assertEquals(200, server.deliver(server.paidEvent(webhooked)).statusCode());

        CliRun run = reconcile();

        assertEquals(0, run.exit(), run.err());
        assertEquals(Set.of(
                "credited " + alice + " user alice 550 coins",
                "credited " + bob1 + " user bob 550 coins",
                "credited " + bob2 + " user bob 100 coins"), changeLines(run));
        assertEquals("checked 5 sessions: 3 credited, 0 expired, 0 rejected, 0 ignored, 2 unchanged", lastLine(run));
        for (String session : List.of(alice, bob1, bob2, webhooked)) {
            assertEquals("completed", server.storedStatus(session));
            assertEquals(1, server.purchaseRows(session), session);
        }
        assertEquals("pending", server.storedStatus(stillOpen));
        assertEquals(0, server.purchaseRows(stillOpen));
        assertBalance("alice", POPULAR);
        assertBalance("bob", POPULAR + STARTER);
        assertBalance("carol", 0);
        assertBalance("dave", POPULAR);
        assertEquals(server.stripe().session(alice).get("payment_intent").asText(),
                server.queryString("SELECT payment_intent FROM payment_sessions WHERE session_id = ?", alice),
                "the payment intent is recorded, as the webhook records it");
    }

    @Test
    void aSecondRunCreditsNothingAndChangesNothing() {
        String paid = checkout("erin", "popular");
        String expired = checkout("erin", "starter");
        checkout("erin", "starter");
        server.stripe().markPaid(paid);
        server.stripe().markExpired(expired);
        CliRun first = reconcile();
        assertEquals("checked 3 sessions: 1 credited, 1 expired, 0 rejected, 0 ignored, 1 unchanged", lastLine(first));
        String afterFirst = snapshot();

        CliRun second = reconcile();

        assertEquals(0, second.exit(), second.err());
        assertEquals(Set.of(), changeLines(second));
        assertEquals("checked 3 sessions: 0 credited, 0 expired, 0 rejected, 0 ignored, 3 unchanged", lastLine(second));
        assertEquals(afterFirst, snapshot(), "no row of any table changed, not even updated_at");
        assertBalance("erin", POPULAR);
    }

    @Test
    void anExpiredSessionStillPendingHereIsMarkedExpiredAndNothingElseIs() {
        String expired = checkout("frank", "popular");
        String failedHere = checkout("frank", "starter");
        server.stripe().markExpired(expired);
        server.stripe().markExpired(failedHere);
        server.deliver(StripeEvents.checkoutEvent(StripeEvents.newEventId(), "checkout.session.async_payment_failed",
                server.stripe().session(failedHere)));
        assertEquals("failed", server.storedStatus(failedHere));
        ObjectNode unknownExpired = StripeEvents.paidSession("cs_test_expired_elsewhere_" + System.nanoTime(),
                "frank", "popular", 500, 50, 1999, "usd").put("status", "expired").put("payment_status", "unpaid");
        server.stripe().putSession(unknownExpired);

        CliRun run = reconcile();

        assertEquals(0, run.exit(), run.err());
        assertEquals(Set.of("expired " + expired), changeLines(run));
        assertEquals("checked 3 sessions: 0 credited, 1 expired, 0 rejected, 0 ignored, 2 unchanged", lastLine(run));
        assertEquals("expired", server.storedStatus(expired));
        assertEquals("failed", server.storedStatus(failedHere), "a failed session stays failed");
        assertEquals(null, server.storedStatus(unknownExpired.get("id").asText()),
                "an expired session never seen here is not recorded");
        assertBalance("frank", 0);
    }

    @Test
    void aPaidSessionUnknownHereIsRecordedFromItsMetadataAndCredited() {
        String unknown = "cs_test_created_elsewhere_" + System.nanoTime();
        server.stripe().putSession(StripeEvents.paidSession(unknown, "grace", "popular", 500, 50, 1999, "usd"));
        String foreign = "cs_test_another_product_" + System.nanoTime();
        ObjectNode notOurs = StripeEvents.paidSession(foreign, "x", "p", 1, 0, 500, "usd");
        notOurs.putObject("metadata");
        notOurs.remove("client_reference_id");
        server.stripe().putSession(notOurs);

        CliRun run = reconcile();

        assertEquals(0, run.exit(), run.err());
        assertEquals(Set.of("credited " + unknown + " user grace 550 coins"), changeLines(run));
        assertEquals("checked 2 sessions: 1 credited, 0 expired, 0 rejected, 1 ignored, 0 unchanged", lastLine(run));
        assertEquals("completed", server.storedStatus(unknown));
        assertEquals("1999", server.queryString("SELECT amount_cents FROM payment_sessions WHERE session_id = ?",
                unknown));
        assertEquals(1, server.purchaseRows(unknown));
        assertBalance("grace", POPULAR);
        assertEquals(null, server.storedStatus(foreign), "a session without coinpurse's metadata is not ours");
    }

    @Test
    void aPaidSessionWhoseAmountDiffersIsRejectedWithTheReasonAndNotCredited() {
        String session = checkout("heidi", "popular");
        server.stripe().markPaid(session);
        server.stripe().putSession(server.stripe().session(session).put("amount_total", 999));

        CliRun run = reconcile();

        assertEquals(0, run.exit(), run.err());
        assertEquals(Set.of("rejected " + session + ": paid 999 usd but the session was for 1999 usd"),
                changeLines(run));
        assertEquals("checked 1 sessions: 0 credited, 0 expired, 1 rejected, 0 ignored, 0 unchanged", lastLine(run));
        assertEquals("pending", server.storedStatus(session));
        assertBalance("heidi", 0);
    }

    @Test
    void everyPageIsReadWhenThereAreMoreSessionsThanOnePageHolds() {
        int total = 230; // three pages of 100
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            String id = "cs_test_page_" + i;
            server.stripe().putSession(StripeEvents.paidSession(id, "user-" + (i % 7), "starter", 100, 0, 499, "usd"));
            ids.add(id);
        }

        CliRun run = reconcile();

        assertEquals(0, run.exit(), run.err());
        assertEquals("checked 230 sessions: 230 credited, 0 expired, 0 rejected, 0 ignored, 0 unchanged", lastLine(run));
        assertEquals(total, changeLines(run).size());
        for (String id : ids) {
            assertEquals(1, server.purchaseRows(id), id);
        }
        long credited = IntStream.range(0, 7).mapToLong(u -> server.storedBalance("user-" + u)).sum();
        assertEquals(total * STARTER, credited);
    }

    @Test
    void onlySessionsCreatedInTheWindowAreChecked() {
        String recent = checkout("ivan", "starter");
        server.stripe().markPaid(recent);
        String old = "cs_test_four_days_old";
        server.stripe().putSession(StripeEvents.paidSession(old, "ivan", "popular", 500, 50, 1999, "usd")
                .put("created", Instant.now().minus(Duration.ofDays(4)).getEpochSecond()));

        CliRun defaultWindow = reconcile();
        assertEquals("checked 1 sessions: 1 credited, 0 expired, 0 rejected, 0 ignored, 0 unchanged", lastLine(defaultWindow));
        assertEquals(null, server.storedStatus(old), "72 h by default: the 4-day-old session is not looked at");

        CliRun hours = reconcile("--since", "30m");
        assertEquals("checked 1 sessions: 0 credited, 0 expired, 0 rejected, 0 ignored, 1 unchanged", lastLine(hours));

        CliRun wider = reconcile("--since", "PT100H");
        assertEquals(0, wider.exit(), wider.err());
        assertEquals(Set.of("credited " + old + " user ivan 550 coins"), changeLines(wider));

        CliRun days = reconcile("--since", "5d");
        assertEquals("checked 2 sessions: 0 credited, 0 expired, 0 rejected, 0 ignored, 2 unchanged", lastLine(days));
        assertBalance("ivan", STARTER + POPULAR);
    }

    @Test
    void aBadDurationIsRefusedAndNothingIsChecked() {
        String paid = checkout("judy", "starter");
        server.stripe().markPaid(paid);

        for (String bad : List.of("72", "-1h", "0h", "soon")) {
            CliRun run = reconcile("--since", bad);
            assertNotEquals(0, run.exit(), bad);
            assertTrue(run.err().contains(bad), run.err());
        }
        assertEquals("pending", server.storedStatus(paid));
    }

    @Test
    void aDryRunPrintsWhatWouldChangeAndWritesNothingThenTheRealRunDoesExactlyThat() {
        String paid = checkout("karl", "popular");
        String expired = checkout("karl", "starter");
        String mismatched = checkout("karl", "starter");
        checkout("karl", "popular");
        server.stripe().markPaid(paid);
        server.stripe().markExpired(expired);
        server.stripe().markPaid(mismatched);
        server.stripe().putSession(server.stripe().session(mismatched).put("currency", "eur"));
        String unknown = "cs_test_unknown_dry_" + System.nanoTime();
        server.stripe().putSession(StripeEvents.paidSession(unknown, "lena", "starter", 100, 0, 499, "usd"));
        String before = snapshot();

        CliRun dry = reconcile("--dry-run");

        assertEquals(0, dry.exit(), dry.err());
        Set<String> wouldBe = Set.of(
                "would credit " + paid + " user karl 550 coins",
                "would expire " + expired,
                "would reject " + mismatched + ": paid 499 eur but the session was for 499 usd",
                "would credit " + unknown + " user lena 100 coins");
        assertEquals(wouldBe, changeLines(dry));
        assertEquals("dry run: checked 5 sessions: 2 to credit, 1 to expire, 1 to reject, 0 ignored, 1 unchanged;"
                + " nothing was written", lastLine(dry));
        assertEquals(before, snapshot(), "a dry run writes nothing");
        assertEquals(null, server.storedStatus(unknown), "not even the unknown session's row");

        CliRun real = reconcile();

        Set<String> predicted = wouldBe.stream()
                .map(line -> line.replace("would credit", "credited").replace("would expire", "expired")
                        .replace("would reject", "rejected"))
                .collect(Collectors.toSet());
        assertEquals(predicted, changeLines(real));
        assertEquals("checked 5 sessions: 2 credited, 1 expired, 1 rejected, 0 ignored, 1 unchanged", lastLine(real));
    }

    @Test
    void webhooksArrivingDuringTheRunForTheSameAndOtherSessionsCreditEachSessionExactlyOnce() throws Exception {
        int count = 40;
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String session = checkout("racer-" + (i % 5), "popular");
            server.stripe().markPaid(session);
            sessions.add(session);
        }
        // Reconcile goes newest first: the 10 newest are its alone. Once it has credited the newest
        // (so it is surely running), a real thread sends paid webhooks for the 30 oldest, oldest
        // first, in fresh events (so none is skipped as a duplicate), until reconcile ends: the two
        // meet on the same sessions while the webhook also credits ones reconcile has not reached.
        // Reconcile waits, right after it reports the newest, until the first of those webhooks is
        // answered: however the threads are scheduled, the two overlap.
        List<String> reconcileOnly = sessions.subList(count - 10, count);
        List<String> raced = sessions.subList(0, count - 10);
        String newest = sessions.get(count - 1);
        // One webhook before the run: its session is done before reconcile starts (and the HTTP path is warm).
        assertEquals(200, server.deliver(StripeEvents.checkoutEvent(StripeEvents.newEventId(),
                "checkout.session.completed", server.stripe().session(raced.get(0)))).statusCode());
        CountDownLatch newestCredited = new CountDownLatch(1);
        CountDownLatch firstWebhookAnswered = new CountDownLatch(1);
        AtomicBoolean reconcileDone = new AtomicBoolean();
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        List<Long> deliveryTimes = new CopyOnWriteArrayList<>();
        Thread webhooks = new Thread(() -> {
            try {
                newestCredited.await();
            } catch (InterruptedException e) {
                return;
            }
            for (int i = 0; !reconcileDone.get(); i++) {
                String event = StripeEvents.checkoutEvent(StripeEvents.newEventId(), "checkout.session.completed",
                        server.stripe().session(raced.get(i % raced.size())));
                deliveryTimes.add(System.nanoTime());
                HttpResponse<String> answer = server.deliver(event);
                statuses.add(answer.statusCode());
                firstWebhookAnswered.countDown();
            }
        }, "webhook-sender");
        webhooks.start();

        long reconcileStarted = System.nanoTime();
        CliRun run = CliRun.run(line -> {
            if (line.startsWith("credited " + newest + " ")) {
                newestCredited.countDown();
                awaitUninterruptibly(firstWebhookAnswered);
            }
        }, "reconcile", "--config", config.toString());
        long reconcileEnded = System.nanoTime();
        reconcileDone.set(true);
        newestCredited.countDown();
        webhooks.join(TimeUnit.SECONDS.toMillis(30));

        assertEquals(0, run.exit(), run.err());
        assertTrue(deliveryTimes.stream().anyMatch(sent -> sent > reconcileStarted && sent < reconcileEnded),
                "at least one webhook was sent while reconcile was running");
        assertEquals(List.of(200), statuses.stream().distinct().toList(), "every webhook was answered 200");
        assertFalse(changeLines(run).stream().anyMatch(line -> line.contains(raced.get(0))), run.out());
        assertTrue(changeLines(run).containsAll(reconcileOnly.stream()
                .map(s -> "credited " + s + " user " + userOf(s) + " 550 coins").toList()), run.out());
        for (String session : sessions) {
            assertEquals(1, server.purchaseRows(session), session);
            assertEquals("completed", server.storedStatus(session));
        }
        long creditedByReconcile = changeLines(run).size();
        long creditedByWebhooks = server.queryLong(
                "SELECT COUNT(*) FROM processed_events WHERE outcome = ?", "credited");
        assertEquals(count, creditedByReconcile + creditedByWebhooks, "each session was credited by exactly one");
        assertTrue(lastLine(run).startsWith("checked 40 sessions: " + creditedByReconcile + " credited, 0 expired,"
                + " 0 rejected, 0 ignored, " + (count - creditedByReconcile) + " unchanged"), lastLine(run));
        for (int u = 0; u < 5; u++) {
            assertBalance("racer-" + u, POPULAR * count / 5);
        }
    }

    @Test
    void withoutAStripeKeyItExitsNonZeroWithOneLineAndTouchesNothing(@TempDir Path elsewhere) throws IOException {
        Path db = elsewhere.resolve("db/coinpurse.db");
        Path noKey = elsewhere.resolve("no-key.properties");
        Files.writeString(noKey, "db.path=" + db + "\nauth.jwt_secret=" + TestServer.JWT_SECRET + "\n", UTF_8);

        CliRun run = run("reconcile", "--config", noKey.toString());

        assertEquals(2, run.exit());
        assertEquals("", run.out());
        List<String> errLines = run.err().lines().filter(line -> !line.isBlank()).toList();
        assertEquals(1, errLines.size(), run.err());
        assertTrue(errLines.get(0).contains("stripe.secret_key"), errLines.get(0));
        assertFalse(Files.exists(db.getParent()), "no database was created");
    }

    @Test
    void withoutADatabaseAtDbPathItExitsNonZeroWithOneLineAndCreatesNone(@TempDir Path elsewhere)
            throws IOException {
        Path db = elsewhere.resolve("wrong-folder/coinpurse.db");
        Path wrongDb = elsewhere.resolve("wrong-db.properties");
        Files.writeString(wrongDb, "db.path=" + db + "\nstripe.secret_key=" + TestServer.STRIPE_KEY
                + "\nstripe.api_base=" + server.stripe().apiBase() + "\nauth.jwt_secret=" + TestServer.JWT_SECRET
                + "\n", UTF_8);
        server.stripe().markPaid(checkout("nina", "starter"));

        CliRun run = run("reconcile", "--config", wrongDb.toString());

        assertEquals(1, run.exit());
        assertEquals("", run.out());
        assertEquals(List.of("coinpurse: reconcile stopped: no database at " + db
                + " (check db.path and the working directory)"),
                run.err().lines().filter(line -> !line.isBlank()).toList());
        assertFalse(Files.exists(db.getParent()), "no database was created to credit into");
    }

    @Test
    void paidSessionsThatAreNotThisDeploymentsAreCountedIgnoredTheWordTheWebhookRecordsForThem() {
        // What `stripe trigger checkout.session.completed` makes: paid, with no metadata of ours.
        ObjectNode triggered = StripeEvents.paidSession("cs_test_triggered_" + System.nanoTime(), "x", "p", 0, 0,
                3000, "usd");
        triggered.putObject("metadata");
        triggered.remove("client_reference_id");
        ObjectNode elsewhere = StripeEvents.paidSession("cs_test_elsewhere_" + System.nanoTime(), "olga", "popular",
                500, 50, 1999, "usd");
        ((ObjectNode) elsewhere.get("metadata")).put("coinpurse_instance", "someone-elses-shop");
        String ours = checkout("olga", "popular");
        server.stripe().markPaid(ours);
        for (ObjectNode notOurs : List.of(triggered, elsewhere)) {
            server.stripe().putSession(notOurs);
            String event = StripeEvents.checkoutEvent("checkout.session.completed", notOurs);
            assertEquals(200, server.deliver(event).statusCode());
            assertEquals("ignored", server.eventOutcome(StripeEvents.eventIdOf(event)));
        }

        CliRun run = reconcile();

        assertEquals(0, run.exit(), run.err());
        assertEquals(Set.of("credited " + ours + " user olga 550 coins"), changeLines(run));
        assertEquals("checked 3 sessions: 1 credited, 0 expired, 0 rejected, 2 ignored, 0 unchanged", lastLine(run));
        assertEquals(null, server.storedStatus(triggered.get("id").asText()));
        assertEquals(null, server.storedStatus(elsewhere.get("id").asText()));
        assertBalance("olga", POPULAR);
    }

    @Test
    void whenStripeRefusesItExitsNonZeroWithOneLineAndChangesNothing() throws IOException {
        String paid = checkout("mallory", "popular");
        server.stripe().markPaid(paid);
        Path wrongKey = server.writeCliConfig(dir.resolve("other/reconcile.properties"), "sk_live_not_accepted_by_the_fake");
        String before = snapshot();

        CliRun run = run("reconcile", "--config", wrongKey.toString());

        assertEquals(1, run.exit());
        List<String> errLines = run.err().lines().filter(line -> !line.isBlank()).toList();
        assertEquals(1, errLines.size(), run.err());
        assertTrue(errLines.get(0).contains("Stripe answered 401") && errLines.get(0).contains("Invalid API Key"),
                errLines.get(0));
        assertFalse(run.err().contains("\tat "), "no stack trace");
        assertEquals(before, snapshot());
    }

    // ---- helpers ----

    /** Waits (bounded) for {@code latch}; the assertions after the run say what a timeout meant. */
    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CliRun reconcile(String... flags) {
        List<String> args = new ArrayList<>(List.of("reconcile", "--config", config.toString()));
        Collections.addAll(args, flags);
        return run(args.toArray(String[]::new));
    }

    private String checkout(String user, String packageId) {
        return server.checkout(server.token(user), packageId);
    }

    private String userOf(String session) {
        return server.queryString("SELECT user_id FROM payment_sessions WHERE session_id = ?", session);
    }

    private void assertBalance(String user, long expected) {
        assertEquals(expected, server.storedBalance(user), "balance of " + user);
        assertEquals(expected, server.ledgerSum(user), "ledger sum of " + user);
    }

    /** The lines that report a change: all but the first (what is checked) and the last (the summary). */
    private static Set<String> changeLines(CliRun run) {
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.size() >= 2, "a header and a summary at least: " + run.out() + run.err());
        assertTrue(lines.get(0).contains("reconciling Stripe events and Checkout Sessions created since"),
                lines.get(0));
        List<String> sessionLines = lines.subList(1, lines.size() - 1).stream()
                .filter(line -> !line.matches("(dry run: )?listed \\d+ events: .*"))
                .toList();
        assertEquals(lines.size() - 3, sessionLines.size(), "one line sums up the events: " + run.out());
        Set<String> changes = Set.copyOf(sessionLines);
        assertEquals(sessionLines.size(), changes.size(), "no line is printed twice: " + run.out());
        return changes;
    }

    private static String lastLine(CliRun run) {
        List<String> lines = run.out().lines().toList();
        assertFalse(lines.isEmpty(), "nothing printed; stderr: " + run.err());
        return lines.get(lines.size() - 1);
    }

    /** Every row of the tables reconcile could write, in full. */
    private String snapshot() {
        StringBuilder dump = new StringBuilder();
        try (Connection connection = server.deps().db().dataSource().getConnection();
                Statement query = connection.createStatement()) {
            for (String sql : List.of(
                    "SELECT * FROM users ORDER BY id",
                    "SELECT * FROM payment_sessions ORDER BY session_id",
                    "SELECT * FROM coin_ledger ORDER BY id",
                    "SELECT * FROM processed_events ORDER BY event_id")) {
                try (ResultSet rows = query.executeQuery(sql)) {
                    ResultSetMetaData columns = rows.getMetaData();
                    while (rows.next()) {
                        for (int c = 1; c <= columns.getColumnCount(); c++) {
                            dump.append(rows.getString(c)).append('|');
                        }
                        dump.append('\n');
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return dump.toString();
    }
}
