package coinpurse.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.CliRun;
import coinpurse.support.Concurrently;
import coinpurse.support.RunningServer;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code backup} and {@code reconcile} subcommands, run in-process while real threads
 * deliver a burst of signed paid webhooks to the running server: every webhook is answered
 * 200, every purchase is credited exactly once, and the command succeeds.
 */
class MaintenanceDuringLoadTest {
    private static final long POPULAR = 550;
    private static final int USERS = 8;
    private static final int WEBHOOKED = 48;
    private static final int SENDERS = 4;

    @TempDir
    Path dir;
    /** A fresh server for each test. */
    @RunningServer(env = {"RATELIMIT_CHECKOUT_PER_MINUTE=1000"})
    TestServer server;
    Path config;

    @BeforeEach
    void writeConfig() {
        config = server.writeCliConfig(dir.resolve("maintenance.properties"));
    }

    @Test
    void aBackupDuringAWebhookBurstLeavesNoWebhookUnansweredAndCopiesEveryCreditOnce() throws Exception {
        List<String> sessions = paidSessions("backup", WEBHOOKED);
        Path copy = dir.resolve("backups/during-burst.db");

        Burst burst = Burst.start(server, sessions);
        burst.awaitAnswered(SENDERS);
        long started = System.nanoTime();
        CliRun run = CliRun.run("backup", copy.toString(), "--config", config.toString());
        long ended = System.nanoTime();
        burst.finish();

        assertEquals(0, run.exit(), run.err());
        burst.assertAll200AndSomeDuring(started, ended);
        assertEachCreditedOnce(sessions);
        try (Connection backup = DriverManager.getConnection("jdbc:sqlite:" + copy)) {
            assertEquals("ok", single(backup, "PRAGMA integrity_check"));
            assertEquals("0", single(backup, """
                    SELECT COUNT(*) FROM users u
                    WHERE u.balance <> (SELECT COALESCE(SUM(delta), 0) FROM coin_ledger l WHERE l.user_id = u.id)"""),
                    "every balance in the copy equals its ledger sum");
            assertEquals("0", single(backup, """
                    SELECT COUNT(*) FROM (SELECT reference FROM coin_ledger WHERE reason = 'purchase'
                                          GROUP BY reference HAVING COUNT(*) > 1)"""),
                    "no purchase is credited twice in the copy");
        }
    }

    @Test
    void aReconcileDuringAWebhookBurstLeavesNoWebhookUnansweredAndCreditsEachPurchaseOnce() throws Exception {
        List<String> webhooked = paidSessions("reconcile", WEBHOOKED);
        // Paid, but their webhook never comes: reconcile's own work, committed while the burst writes.
        List<String> missed = paidSessions("missed", WEBHOOKED / 4);

        Burst burst = Burst.start(server, webhooked);
        burst.awaitAnswered(SENDERS);
        long started = System.nanoTime();
        CliRun run = CliRun.run("reconcile", "--config", config.toString());
        long ended = System.nanoTime();
        burst.finish();

        assertEquals(0, run.exit(), run.err());
        burst.assertAll200AndSomeDuring(started, ended);
        for (String session : missed) {
            assertTrue(run.outLines().stream().anyMatch(line -> line.startsWith("credited " + session + " ")),
                    session + " credited by reconcile:\n" + run.out());
        }
        List<String> all = new ArrayList<>(webhooked);
        all.addAll(missed);
        assertEachCreditedOnce(all);
    }

    // ---- the burst ----

    /**
     * {@link #SENDERS} threads delivering signed paid events, each a new event id: first one per
     * session, then round again (each recorded as already done) until {@link #finish}.
     */
    private static final class Burst {
        private record Delivery(long sent, long answered, HttpResponse<String> response) {}

        private final List<Thread> senders = new ArrayList<>();
        private final Queue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
        private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger next = new AtomicInteger();

        static Burst start(TestServer server, List<String> sessions) {
            Burst burst = new Burst();
            for (int t = 0; t < SENDERS; t++) {
                Thread sender = new Thread(() -> {
                    try {
                        for (int i = burst.next.getAndIncrement(); i < sessions.size() || !burst.stop.get();
                                i = burst.next.getAndIncrement()) {
                            String event = StripeEvents.checkoutEvent(StripeEvents.newEventId(),
                                    "checkout.session.completed", server.stripe().session(sessions.get(i % sessions.size())));
                            long sent = System.nanoTime();
                            HttpResponse<String> response = server.deliver(event);
                            burst.deliveries.add(new Delivery(sent, System.nanoTime(), response));
                        }
                    } catch (Throwable e) {
                        burst.failures.add(e);
                    }
                }, "webhook-burst-" + t);
                burst.senders.add(sender);
                sender.start();
            }
            return burst;
        }

        /** Waits (bounded) until {@code count} deliveries were answered: the burst is under way. */
        void awaitAnswered(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (deliveries.size() < count && failures.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(failures.isEmpty(), () -> "a sender failed: " + failures.peek());
            assertTrue(deliveries.size() >= count, "the burst did not get going");
        }

        /** Stops the senders once every session had its event, and waits for them. */
        void finish() throws InterruptedException {
            stop.set(true);
            for (Thread sender : senders) {
                sender.join(TimeUnit.SECONDS.toMillis(60));
                assertFalse(sender.isAlive(), sender.getName() + " did not finish");
            }
            assertTrue(failures.isEmpty(), () -> "a sender failed: " + failures.peek());
        }

        void assertAll200AndSomeDuring(long started, long ended) {
            for (Delivery delivery : deliveries) {
                assertEquals(200, delivery.response().statusCode(), delivery.response().body());
                assertEquals("success", TestServer.json(delivery.response()).path("status").asText());
            }
            long during = deliveries.stream()
                    .filter(d -> d.sent() < ended && d.answered() > started)
                    .count();
            assertTrue(during >= 1, "no webhook was in flight while the command ran ("
                    + deliveries.size() + " delivered in all)");
        }
    }

    // ---- helpers ----

    /** {@code count} checkouts through the API, spread over {@link #USERS} users, each paid on the fake. */
    private List<String> paidSessions(String label, int count) throws Exception {
        List<String> sessions = Concurrently.allAtOnce(count,
                i -> () -> server.checkout(server.token(label + "-" + (i % USERS)), "popular"));
        sessions.forEach(server.stripe()::markPaid);
        return sessions;
    }

    private void assertEachCreditedOnce(List<String> sessions) {
        Map<String, Integer> perUser = new HashMap<>();
        for (String session : sessions) {
            assertEquals(1, server.purchaseRows(session), session + " credited once");
            assertEquals("completed", server.storedStatus(session), session);
            perUser.merge(server.queryString("SELECT user_id FROM payment_sessions WHERE session_id = ?", session),
                    1, Integer::sum);
        }
        perUser.forEach((user, purchases) -> {
            assertEquals(POPULAR * purchases, server.storedBalance(user), user);
            assertEquals(POPULAR * purchases, server.ledgerSum(user), user);
        });
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            assertTrue(row.next(), sql);
            return row.getString(1);
        }
    }
}
