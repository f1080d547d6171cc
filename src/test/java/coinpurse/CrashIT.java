package coinpurse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.ChildServer;
import coinpurse.support.Concurrently;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import coinpurse.support.WebhookSigner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * A crash loses nothing that was acknowledged and doubles nothing on retry. The built jar
 * ({@code java -jar}) takes a burst of distinct requests from {@value #THREADS} threads and is
 * killed with SIGKILL once {@value #KILL_AFTER} of them have been answered 2xx, with more in
 * flight; it is then started again on the same SQLite file.
 * <ul>
 * <li>Webhooks: every {@code checkout.session.completed} answered 200 before the kill is credited
 * after the restart (session completed, one purchase row, event recorded); re-delivering the
 * whole burst, as Stripe would, then credits every purchase exactly once.
 * <li>Internal spends and grants: every operation answered 200 before the kill is in the ledger
 * once, under the entry id it answered; sending the whole burst again (same keys, same bodies)
 * answers the stored answer for those and applies each of the others once.
 * </ul>
 * Each ends with every balance equal to its ledger sum (and each row's {@code balance_after}
 * equal to the running sum). SIGKILL keeps the operating system's page cache, so this proves
 * that answers follow commits and that SQLite recovers its WAL on restart; it does not simulate
 * power loss, which {@code synchronous=FULL} is there for.
 */
@Tag("slow")
class CrashIT {
    private static final int THREADS = 8;
    private static final int REQUESTS = 300;
    private static final int KILL_AFTER = 100;
    private static final int USERS = 16;
    private static final String INTERNAL_KEY = "ik_crash_test_0123456789abcdef";
    private static final long POPULAR_COINS = 550; // popular: 500 + 50 bonus, for 19.99 usd
    private static final long SEED_GRANT = 1_000_000;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    // ---------------------------------------------------------------- webhooks

    /** One paid Checkout Session of the burst and the event that tells of it. */
    private record Purchase(String eventId, String sessionId, String userId, String payload) {
        @Override
        public String toString() {
            return "event " + eventId + " of " + sessionId + " (" + userId + ")";
        }
    }

    @Test
    void everyAcknowledgedWebhookSurvivesSigkillAndRedeliveryCreditsEachPurchaseOnce() throws Exception {
        Path db = dir.resolve("data/coinpurse.db");
        List<Purchase> purchases = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String sessionId = "cs_test_crash_" + UUID.randomUUID().toString().replace("-", "");
            String userId = "crash-buyer-" + (i % USERS);
            String eventId = StripeEvents.newEventId();
            String payload = StripeEvents.checkoutEvent(eventId, "checkout.session.completed",
                    StripeEvents.paidSession(sessionId, userId, "popular", 500, 50, 1999, "usd"));
            purchases.add(new Purchase(eventId, sessionId, userId, payload));
        }

        Map<Integer, String> acknowledged;
        try (ChildServer server = ChildServer.startJar(dir, env(db))) {
            acknowledged = burstThenKill(server, purchases.size(), i -> webhook(server, purchases.get(i)));
            assertKilledUncleanly(server, db);
        }

        try (ChildServer restarted = ChildServer.startJar(dir, env(db))) {
            try (Connection sql = readOnly(db)) {
                for (int i : acknowledged.keySet()) {
                    Purchase purchase = purchases.get(i);
                    assertEquals("completed", text(sql, "SELECT status FROM payment_sessions WHERE session_id = ?",
                            purchase.sessionId()), "acknowledged before the kill: " + purchase);
                    assertEquals("1", text(sql, "SELECT COUNT(*) FROM coin_ledger WHERE reason = 'purchase'"
                            + " AND reference = ?", purchase.sessionId()), "acknowledged before the kill: " + purchase);
                    assertEquals("credited", text(sql, "SELECT outcome FROM processed_events WHERE event_id = ?",
                            purchase.eventId()), "acknowledged before the kill: " + purchase);
                }
            }

            // Stripe delivers again every event it did not see acknowledged (here: all of them).
            List<HttpResponse<String>> redelivered = sendAll(purchases.size(), i -> webhook(restarted, purchases.get(i)));
            for (int i = 0; i < purchases.size(); i++) {
                assertEquals(200, redelivered.get(i).statusCode(), purchases.get(i) + ": " + redelivered.get(i).body());
            }
            stop(restarted);
        }

        try (Connection sql = readOnly(db)) {
            Map<String, Long> bought = new HashMap<>();
            for (Purchase purchase : purchases) {
                assertEquals("completed", text(sql, "SELECT status FROM payment_sessions WHERE session_id = ?",
                        purchase.sessionId()), purchase.toString());
                assertEquals("1", text(sql, "SELECT COUNT(*) FROM coin_ledger WHERE reason = 'purchase'"
                        + " AND reference = ?", purchase.sessionId()), purchase.toString());
                assertEquals(Long.toString(POPULAR_COINS), text(sql, "SELECT delta FROM coin_ledger WHERE reason = 'purchase'"
                        + " AND reference = ?", purchase.sessionId()), purchase.toString());
                bought.merge(purchase.userId(), POPULAR_COINS, Long::sum);
            }
            assertEquals(Integer.toString(REQUESTS), text(sql, "SELECT COUNT(*) FROM coin_ledger"));
            assertEquals(Integer.toString(REQUESTS), text(sql, "SELECT COUNT(*) FROM processed_events"));
            assertBalancesEqualLedgers(sql, bought);
        }
    }

    private HttpRequest webhook(ChildServer server, Purchase purchase) {
        // Signed at each attempt, as Stripe signs each delivery.
        return HttpRequest.newBuilder(URI.create(server.url("/api/payment/webhook")))
                .header("Content-Type", "application/json")
                .header("Stripe-Signature", WebhookSigner.sign(purchase.payload(), TestServer.WEBHOOK_SECRET))
                .POST(HttpRequest.BodyPublishers.ofString(purchase.payload()))
                .timeout(REQUEST_TIMEOUT)
                .build();
    }

    // ---------------------------------------------------------------- spends and grants

    /** One spend or grant of the burst: its route and its body, sent the same every time. */
    private record Operation(String kind, String userId, long amount, String key) {
        String body() {
            return "{\"user_id\": \"" + userId + "\", \"amount\": " + amount + ", \"idempotency_key\": \"" + key
                    + "\", \"reason\": \"crash test " + kind + "\"}";
        }

        long delta() {
            return kind.equals("spend") ? -amount : amount;
        }
    }

    @Test
    void everyAcknowledgedSpendOrGrantSurvivesSigkillAndResendingAppliesEachOnce() throws Exception {
        Path db = dir.resolve("data/coinpurse.db");
        List<Operation> seeds = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            seeds.add(new Operation("grant", "crash-player-" + u, SEED_GRANT, "crash-seed-" + u));
        }
        List<Operation> operations = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            // Two spends for each grant, small against the seed: no spend can be refused.
            operations.add(new Operation(i % 3 == 0 ? "grant" : "spend", "crash-player-" + (i % USERS),
                    1 + (i * 7L) % 50, "crash-op-" + i));
        }

        Map<Integer, String> acknowledged;
        Map<String, String> entryIds = new HashMap<>();
        try (ChildServer server = ChildServer.startJar(dir, env(db))) {
            for (Operation seed : seeds) {
                HttpResponse<String> seeded = http.send(internal(server, seed), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, seeded.statusCode(), seeded.body());
            }
            acknowledged = burstThenKill(server, operations.size(), i -> internal(server, operations.get(i)));
            assertKilledUncleanly(server, db);
        }

        try (ChildServer restarted = ChildServer.startJar(dir, env(db))) {
            try (Connection sql = readOnly(db)) {
                for (Map.Entry<Integer, String> answered : acknowledged.entrySet()) {
                    Operation operation = operations.get(answered.getKey());
                    JsonNode answer = JSON.readTree(answered.getValue());
                    String entryId = answer.get("entry_id").asText();
                    assertEquals(entryId, text(sql, "SELECT ledger_entry_id FROM wallet_operations"
                            + " WHERE idempotency_key = ?", operation.key()), "acknowledged before the kill: " + operation);
                    assertEquals(operation.userId() + " " + operation.delta() + " " + operation.kind() + " "
                                    + operation.key() + " " + answer.get("balance").asText(),
                            text(sql, "SELECT user_id || ' ' || delta || ' ' || reason || ' ' || reference"
                                    + " || ' ' || balance_after FROM coin_ledger WHERE id = ?", entryId),
                            "acknowledged before the kill: " + operation);
                    assertEquals("1", text(sql, "SELECT COUNT(*) FROM coin_ledger WHERE reference = ?",
                            operation.key()), "acknowledged before the kill: " + operation);
                }
            }

            // The web app's server retries every operation it did not see answered (here: all of them).
            List<HttpResponse<String>> resent = sendAll(operations.size(), i -> internal(restarted, operations.get(i)));
            for (int i = 0; i < operations.size(); i++) {
                HttpResponse<String> answer = resent.get(i);
                assertEquals(200, answer.statusCode(), operations.get(i) + ": " + answer.body());
                if (acknowledged.containsKey(i)) {
                    assertEquals(JSON.readTree(acknowledged.get(i)), JSON.readTree(answer.body()),
                            "the stored answer, again: " + operations.get(i));
                }
                entryIds.put(operations.get(i).key(), JSON.readTree(answer.body()).get("entry_id").asText());
            }
            stop(restarted);
        }

        try (Connection sql = readOnly(db)) {
            Map<String, Long> expected = new HashMap<>();
            for (Operation seed : seeds) {
                expected.merge(seed.userId(), seed.delta(), Long::sum);
            }
            for (Operation operation : operations) {
                assertEquals("1", text(sql, "SELECT COUNT(*) FROM coin_ledger WHERE reference = ?", operation.key()),
                        operation.toString());
                assertEquals(entryIds.get(operation.key()), text(sql, "SELECT id FROM coin_ledger WHERE reference = ?"
                        + " AND user_id = ? AND delta = ?", operation.key(), operation.userId(),
                        Long.toString(operation.delta())), operation.toString());
                assertEquals(entryIds.get(operation.key()), text(sql, "SELECT ledger_entry_id FROM wallet_operations"
                        + " WHERE idempotency_key = ?", operation.key()), operation.toString());
                expected.merge(operation.userId(), operation.delta(), Long::sum);
            }
            assertEquals(Integer.toString(seeds.size() + operations.size()), text(sql, "SELECT COUNT(*) FROM coin_ledger"));
            assertEquals(Integer.toString(seeds.size() + operations.size()),
                    text(sql, "SELECT COUNT(*) FROM wallet_operations"));
            assertBalancesEqualLedgers(sql, expected);
        }
    }

    private HttpRequest internal(ChildServer server, Operation operation) {
        return HttpRequest.newBuilder(URI.create(server.url("/api/internal/coins/" + operation.kind())))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + INTERNAL_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(operation.body()))
                .timeout(REQUEST_TIMEOUT)
                .build();
    }

    // ---------------------------------------------------------------- the burst and the kill

    private static Map<String, String> env(Path db) {
        return Map.of(
                "DB_PATH", db.toString(),
                "STRIPE_WEBHOOK_SECRET", TestServer.WEBHOOK_SECRET,
                "INTERNAL_API_KEY", INTERNAL_KEY,
                "AUTH_JWT_SECRET", TestServer.JWT_SECRET);
    }

    /**
     * Sends requests {@code 0..count-1} from {@value #THREADS} threads, each taking the next
     * unsent one, and SIGKILLs the server from the thread that sees the {@value #KILL_AFTER}th
     * 2xx answer; the others' requests in flight then fail. Returns the body of every 2xx answer
     * received, by request index. Any other answer, or a failure before the kill, fails the test.
     */
    private Map<Integer, String> burstThenKill(ChildServer server, int count, IntFunction<HttpRequest> request)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger answered2xx = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger exitCode = new AtomicInteger(-1);
        Map<Integer, String> acknowledged = new ConcurrentHashMap<>();
        Queue<String> unexpected = new ConcurrentLinkedQueue<>();
        Concurrently.allAtOnce(THREADS, thread -> () -> {
            for (int i = next.getAndIncrement(); i < count && !killed.get(); i = next.getAndIncrement()) {
                HttpResponse<String> response;
                try {
                    response = http.send(request.apply(i), HttpResponse.BodyHandlers.ofString());
                } catch (IOException cut) {
                    if (!killed.get()) {
                        unexpected.add("request " + i + " failed before the kill: " + cut);
                    }
                    continue;
                }
                if (response.statusCode() / 100 != 2) {
                    unexpected.add("request " + i + " answered " + response.statusCode() + ": " + response.body());
                    continue;
                }
                acknowledged.put(i, response.body());
                if (answered2xx.incrementAndGet() == KILL_AFTER) {
                    killed.set(true);
                    exitCode.set(server.kill(STOP_LIMIT));
                }
            }
            return null;
        });
        assertTrue(unexpected.isEmpty(), () -> String.join("\n", unexpected) + "\n" + server.output());
        assertTrue(killed.get(), "the burst ended before " + KILL_AFTER + " answers");
        assertEquals(137, exitCode.get(), "killed by SIGKILL (128 + 9)");
        assertTrue(acknowledged.size() >= KILL_AFTER && acknowledged.size() < count,
                "killed mid-burst: " + acknowledged.size() + " of " + count + " answered");
        return acknowledged;
    }

    /** The kill left the database as a crash does: never closed, its WAL still there. */
    private static void assertKilledUncleanly(ChildServer server, Path db) {
        assertFalse(server.process().isAlive());
        assertFalse(server.output().contains("database closed"), server.output());
        assertTrue(Files.exists(Path.of(db + "-wal")), "a killed server leaves its WAL behind");
    }

    /** SIGTERM; the file is then the test's alone to read. */
    private static void stop(ChildServer server) throws InterruptedException {
        int exit = server.terminate(STOP_LIMIT);
        assertTrue(exit == 0 || exit == 143, "exit code " + exit + "\n" + server.output());
    }

    /** Sends requests {@code 0..count-1} from {@value #THREADS} threads; their answers, in order. */
    private List<HttpResponse<String>> sendAll(int count, IntFunction<HttpRequest> request) throws Exception {
        AtomicInteger next = new AtomicInteger();
        Map<Integer, HttpResponse<String>> answers = new ConcurrentHashMap<>();
        Concurrently.allAtOnce(THREADS, thread -> () -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                answers.put(i, http.send(request.apply(i), HttpResponse.BodyHandlers.ofString()));
            }
            return null;
        });
        List<HttpResponse<String>> inOrder = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inOrder.add(answers.get(i));
        }
        return inOrder;
    }

    // ---------------------------------------------------------------- the file itself

    /** Every user's balance is what the test expects, equals its ledger sum, and the ledger's running sums. */
    private static void assertBalancesEqualLedgers(Connection sql, Map<String, Long> expected) throws SQLException {
        for (Map.Entry<String, Long> user : expected.entrySet()) {
            assertEquals(Long.toString(user.getValue()), text(sql, "SELECT balance FROM users WHERE id = ?",
                    user.getKey()), user.getKey());
            assertEquals(Long.toString(user.getValue()), text(sql, "SELECT SUM(delta) FROM coin_ledger WHERE user_id = ?",
                    user.getKey()), user.getKey());
        }
        assertEquals(Integer.toString(expected.size()), text(sql, "SELECT COUNT(*) FROM users"));
        assertEquals("0", text(sql, """
                SELECT COUNT(*) FROM (
                    SELECT balance_after, SUM(delta) OVER (PARTITION BY user_id ORDER BY id) AS running
                    FROM coin_ledger)
                WHERE balance_after <> running"""), "every balance_after is the running sum of its user's ledger");
    }

    private static Connection readOnly(Path db) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        return DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath(), config.toProperties());
    }

    /** The first column of the first row as text, or null when there is no row. */
    private static String text(Connection sql, String query, String... parameters) throws SQLException {
        try (PreparedStatement statement = sql.prepareStatement(query)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }
}
