package coinpurse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.ChildServer;
import coinpurse.support.Concurrently;
import coinpurse.support.FakeStripe;
import coinpurse.support.HoldStatusChanges;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestPostgres;
import coinpurse.support.TestServer;
import coinpurse.support.WebhookSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the built jar ({@code java -jar}) on one PostgreSQL database: exactly once holds
 * across processes, for webhooks, the status route, refunds, and the wallet, through a SIGKILL of
 * one instance and a restart of PostgreSQL.
 */
@Tag("slow")
class TwoInstancesIT {
    private static final String INTERNAL_KEY = "ik_two_instances_0123456789abcdef";
    private static final long COINS = 550; // popular: 500 + 50, for 19.99 usd
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void theSameEventsDeliveredToBothAtOnceCreditOnce() throws Exception {
        String db = TestPostgres.server().newDatabase();
        List<String> events = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String sessionId = "cs_test_twice_" + i + "_" + UUID.randomUUID().toString().substring(0, 8);
            sessions.add(sessionId);
            events.add(StripeEvents.checkoutEvent(StripeEvents.newEventId(), "checkout.session.completed",
                    StripeEvents.paidSession(sessionId, "both-" + (i % 4), "popular", 500, 50, 1999, "usd")));
        }
        try (ChildServer a = start("a", db, Map.of()); ChildServer b = start("b", db, Map.of())) {
            List<HttpResponse<String>> answers = Concurrently.allAtOnce(events.size() * 2,
                    i -> () -> send(webhook(i % 2 == 0 ? a : b, events.get(i / 2))));
            answers.forEach(answer -> assertEquals(200, answer.statusCode(), answer.body()));
        }
        try (Connection sql = DriverManager.getConnection(db)) {
            for (String session : sessions) {
                assertEquals(1, count(sql, "SELECT COUNT(*) FROM coin_ledger WHERE reason = 'purchase' AND reference = ?",
                        session), session);
            }
            for (int u = 0; u < 4; u++) {
                assertEquals(COINS * 10, balance(sql, "both-" + u));
            }
            assertBalancesAreLedgerSums(sql);
        }
    }

    @Test
    void theWebhookOnOneRacingTheStatusRouteOnTheOtherCreditsOnce() throws Exception {
        String db = TestPostgres.server().newDatabase();
        try (FakeStripe stripe = FakeStripe.start();
                ChildServer a = start("a", db, stripeEnv(stripe));
                ChildServer b = start("b", db, stripeEnv(stripe))) {
            String token = token("racer");
            List<String> sessions = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                sessions.add(checkout(a, token));
            }
            List<String> completed = new ArrayList<>();
            sessions.forEach(session -> completed.addAll(stripe.completeCheckout(session)));

            List<HttpResponse<String>> answers = Concurrently.allAtOnce(sessions.size() * 2, i -> () -> i % 2 == 0
                    ? send(webhook(a, completed.get(i / 2)))
                    : send(get(b, "/api/payment/status/" + sessions.get(i / 2), token)));
            answers.forEach(answer -> assertEquals(200, answer.statusCode(), answer.body()));

            try (Connection sql = DriverManager.getConnection(db)) {
                for (String session : sessions) {
                    assertEquals(1, count(sql, "SELECT COUNT(*) FROM coin_ledger WHERE reason = 'purchase'"
                            + " AND reference = ?", session), session);
                }
                assertEquals(COINS * sessions.size(), balance(sql, "racer"));
                assertBalancesAreLedgerSums(sql);
            }
        }
    }

    @Test
    void aRefundOnOneRacingTheFulfilmentOnTheOtherEndsRefunded() throws Exception {
        String db = TestPostgres.server().newDatabase();
        try (FakeStripe stripe = FakeStripe.start();
                ChildServer a = start("a", db, stripeEnv(stripe));
                ChildServer b = start("b", db, stripeEnv(stripe))) {
            String token = token("refunded-racer");
            List<String> completed = new ArrayList<>();
            List<String> refunds = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String session = checkout(a, token);
                completed.addAll(stripe.completeCheckout(session));
                refunds.add(stripe.refund(stripe.paymentIntentOf(session), 500, "succeeded").events().get(0));
            }

            List<HttpResponse<String>> answers = Concurrently.allAtOnce(completed.size() * 2, i -> () -> i % 2 == 0
                    ? send(webhook(a, completed.get(i / 2)))
                    : send(webhook(b, refunds.get(i / 2))));
            answers.forEach(answer -> assertEquals(200, answer.statusCode(), answer.body()));

            try (Connection sql = DriverManager.getConnection(db)) {
                long taken = COINS * 500 / 1999;
                assertEquals((COINS - taken) * completed.size(), balance(sql, "refunded-racer"));
                assertBalancesAreLedgerSums(sql);
            }
        }
    }

    @Test
    void spendsOnBothNeverOverdrawAndAKeySentToBothActsOnce() throws Exception {
        String db = TestPostgres.server().newDatabase();
        try (ChildServer a = start("a", db, Map.of()); ChildServer b = start("b", db, Map.of())) {
            assertEquals(200, send(internal(a, "grant", "spender", 1000, "seed")).statusCode());

            List<HttpResponse<String>> spends = Concurrently.allAtOnce(40,
                    i -> () -> send(internal(i % 2 == 0 ? a : b, "spend", "spender", 100, "spend-" + i)));
            long succeeded = spends.stream().filter(answer -> answer.statusCode() == 200).count();
            spends.forEach(answer -> assertTrue(answer.statusCode() == 200 || answer.statusCode() == 409, answer.body()));
            assertEquals(10, succeeded, "1000 coins pay for exactly ten spends of 100");

            List<HttpResponse<String>> twice = Concurrently.allAtOnce(20,
                    i -> () -> send(internal(i % 2 == 0 ? a : b, "grant", "granted", 7, "grant-key-" + (i / 2))));
            Map<String, String> firstAnswer = new HashMap<>();
            for (int i = 0; i < twice.size(); i++) {
                assertEquals(200, twice.get(i).statusCode(), twice.get(i).body());
                String previous = firstAnswer.putIfAbsent("grant-key-" + (i / 2), twice.get(i).body());
                if (previous != null) {
                    assertEquals(previous, twice.get(i).body(), "both instances answer the same for one key");
                }
            }

            try (Connection sql = DriverManager.getConnection(db)) {
                assertEquals(0, balance(sql, "spender"));
                assertEquals(70, balance(sql, "granted"));
                assertEquals(10, count(sql, "SELECT COUNT(*) FROM coin_ledger WHERE user_id = ?", "granted"));
                assertBalancesAreLedgerSums(sql);
            }
        }
    }

    /**
     * Holds on both instances: parallel creates past what is available leave exactly as many as
     * fit; captures and releases of one hold sent to both at once resolve it once; and both
     * instances' sweeps, let loose together on holds past their deadline, expire each once. One
     * pair of instances for all three, to keep the run short.
     */
    @Test
    void holdsOnBothAreMadeAsFarAsCoinsGoAndEachIsResolvedOnceByRequestsOrSweeps() throws Exception {
        String db = TestPostgres.server().newDatabase();
        try (ChildServer a = start("a", db, Map.of()); ChildServer b = start("b", db, Map.of());
                Connection sql = DriverManager.getConnection(db)) {
            HoldStatusChanges.record(sql, true);

            // Creates past what is available, spread over both: floor(850 / 100) of them are made.
            assertEquals(200, send(internal(a, "grant", "holder", 1000, "holder-grant")).statusCode());
            HttpResponse<String> firstHold = send(hold(b, "holder", 150, "holder-first", 60));
            assertEquals(200, firstHold.statusCode(), firstHold.body());
            String first = TestServer.parse(firstHold.body()).get("hold_id").asText();
            List<HttpResponse<String>> creates = Concurrently.allAtOnce(30,
                    i -> () -> send(hold(i % 2 == 0 ? a : b, "holder", 100, "holder-hold-" + i, 60)));
            List<String> made = new ArrayList<>();
            for (HttpResponse<String> answer : creates) {
                if (answer.statusCode() == 200) {
                    made.add(TestServer.parse(answer.body()).get("hold_id").asText());
                } else {
                    assertEquals(409, answer.statusCode(), answer.body());
                    assertEquals("insufficient_funds", TestServer.parse(answer.body()).get("error").asText());
                }
            }
            assertEquals(8, made.size(), "floor(850 / 100)");
            assertEquals(950, count(sql, "SELECT SUM(amount) FROM holds WHERE user_id = ? AND status = 'open'",
                    "holder"));

            // Captures and releases of each hold, two of each, half to each instance, all at once.
            made.add(first);
            List<HttpResponse<String>> ends = Concurrently.allAtOnce(made.size() * 4, i -> () -> send(
                    resolve(i % 2 == 0 ? a : b, made.get(i / 4), (i / 2) % 2 == 0 ? "capture" : "release")));
            long captured = 0;
            for (int h = 0; h < made.size(); h++) {
                String holdId = made.get(h);
                String status = statusOf(sql, holdId);
                assertTrue(status.equals("captured") || status.equals("released"), status);
                String firstAnswer = null;
                for (HttpResponse<String> answer : ends.subList(h * 4, h * 4 + 4)) {
                    if (answer.statusCode() == 200) {
                        firstAnswer = firstAnswer == null ? answer.body() : firstAnswer;
                        assertEquals(firstAnswer, answer.body(), "both instances answer the first resolution again");
                        assertEquals(status, TestServer.parse(answer.body()).get("status").asText());
                    } else {
                        assertEquals(409, answer.statusCode(), answer.body());
                        assertEquals(status, TestServer.parse(answer.body()).get("status").asText(), answer.body());
                        assertEquals("hold_closed", TestServer.parse(answer.body()).get("error").asText());
                    }
                }
                assertEquals(List.of(status), HoldStatusChanges.of(sql, holdId), "resolved once");
                long rows = count(sql, "SELECT COUNT(*) FROM coin_ledger WHERE reason = 'capture' AND reference = ?",
                        holdId);
                assertEquals(status.equals("captured") ? 1 : 0, rows, holdId);
                captured += status.equals("captured") ? count(sql, "SELECT amount FROM holds WHERE hold_id = ?", holdId)
                        : 0;
            }
            assertEquals(1000 - captured, balance(sql, "holder"));

            // Both instances' sweeps, on holds past their deadline: the test holds the holds' rows
            // until each instance's sweep is waiting for one of them, then lets both go at once. Due
            // in 3 s: time enough to lock them all before the first comes due.
            List<String> due = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String user = "swept-" + (i % 4);
                if (i < 4) {
                    assertEquals(200, send(internal(b, "grant", user, 100, user + "-grant")).statusCode());
                }
                due.add(TestServer.parse(send(hold(i % 2 == 0 ? a : b, user, 30, user + "-hold-" + i, 3)).body())
                        .get("hold_id").asText());
            }
            try (Connection gate = DriverManager.getConnection(db)) {
                gate.setAutoCommit(false);
                try (PreparedStatement lock = gate.prepareStatement(
                        "SELECT hold_id FROM holds WHERE hold_id = ANY (?) FOR UPDATE")) {
                    lock.setArray(1, gate.createArrayOf("text", due.toArray()));
                    lock.executeQuery().close();
                }
                awaitBothSweepsWaiting(sql);
                gate.commit();
            }
            awaitExpired(sql, due);
            for (String holdId : due) {
                assertEquals(List.of("expired"), HoldStatusChanges.of(sql, holdId), "expired once, by one instance");
            }
            for (int u = 0; u < 4; u++) {
                assertEquals(100, balance(sql, "swept-" + u), "an expired hold spends nothing");
                assertEquals(1, count(sql, "SELECT COUNT(*) FROM coin_ledger WHERE user_id = ?", "swept-" + u));
            }
            assertBalancesAreLedgerSums(sql);
        }
    }

    @Test
    void killingOneInstanceMidBurstLosesNothingItAnswered() throws Exception {
        String db = TestPostgres.server().newDatabase();
        List<String> events = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            String sessionId = "cs_test_kill_" + i + "_" + UUID.randomUUID().toString().substring(0, 8);
            sessions.add(sessionId);
            events.add(StripeEvents.checkoutEvent(StripeEvents.newEventId(), "checkout.session.completed",
                    StripeEvents.paidSession(sessionId, "killed-" + (i % 6), "popular", 500, 50, 1999, "usd")));
        }
        Map<Integer, Integer> answered = new ConcurrentHashMap<>();
        try (ChildServer a = start("a", db, Map.of()); ChildServer b = start("b", db, Map.of())) {
            AtomicInteger okFromA = new AtomicInteger();
            Concurrently.allAtOnce(events.size(), i -> () -> {
                ChildServer target = i % 2 == 0 ? a : b;
                try {
                    HttpResponse<String> answer = send(webhook(target, events.get(i)));
                    answered.put(i, answer.statusCode());
                    if (target == a && answer.statusCode() == 200 && okFromA.incrementAndGet() == 20) {
                        a.kill(Duration.ofSeconds(10));
                    }
                } catch (UncheckedIOException cutOff) {
                    answered.put(i, -1);
                }
                return null;
            });
            try (Connection sql = DriverManager.getConnection(db)) {
                for (Map.Entry<Integer, Integer> answer : answered.entrySet()) {
                    if (answer.getValue() == 200) {
                        assertEquals(1, count(sql, "SELECT COUNT(*) FROM coin_ledger WHERE reason = 'purchase'"
                                + " AND reference = ?", sessions.get(answer.getKey())), "answered 200 before the kill");
                    }
                }
            }
            assertTrue(!a.process().isAlive(), "the burst must have reached the kill");
            // Stripe delivers again whatever it did not see acknowledged; here, everything, to the survivor.
            for (String event : events) {
                assertEquals(200, send(webhook(b, event)).statusCode());
            }
        }
        try (Connection sql = DriverManager.getConnection(db)) {
            for (String session : sessions) {
                assertEquals(1, count(sql, "SELECT COUNT(*) FROM coin_ledger WHERE reason = 'purchase' AND reference = ?",
                        session), session);
            }
            assertBalancesAreLedgerSums(sql);
        }
    }

    @Test
    void postgresDownMidBurstFailsRequestsThenTheInstancesRecoverAndLoseOrDoubleNothing() throws Exception {
        TestPostgres own = TestPostgres.startThrowaway();
        String db = own.newDatabase();
        List<String> events = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            String sessionId = "cs_test_outage_" + i + "_" + UUID.randomUUID().toString().substring(0, 8);
            sessions.add(sessionId);
            events.add(StripeEvents.checkoutEvent(StripeEvents.newEventId(), "checkout.session.completed",
                    StripeEvents.paidSession(sessionId, "outage-" + (i % 6), "popular", 500, 50, 1999, "usd")));
        }
        try (ChildServer a = start("a", db, Map.of()); ChildServer b = start("b", db, Map.of())) {
            List<HttpResponse<String>> before = Concurrently.allAtOnce(30,
                    i -> () -> send(webhook(i % 2 == 0 ? a : b, events.get(i))));
            before.forEach(answer -> assertEquals(200, answer.statusCode(), answer.body()));

            own.halt();
            List<HttpResponse<String>> during = Concurrently.allAtOnce(30,
                    i -> () -> send(webhook(i % 2 == 0 ? a : b, events.get(30 + i))));
            during.forEach(answer -> assertEquals(500, answer.statusCode(), "Stripe must deliver again: " + answer.body()));
            assertEquals(503, send(get(a, "/health", null)).statusCode());
            assertEquals(503, send(get(b, "/api/coins/balance", token("outage-0"))).statusCode());

            own.resume();
            assertEquals(200, send(get(a, "/health", null)).statusCode(), "the pool recovers by itself");
            // Stripe delivers again whatever it did not see acknowledged; here, everything, to either.
            List<HttpResponse<String>> after = Concurrently.allAtOnce(events.size(),
                    i -> () -> send(webhook(i % 2 == 0 ? b : a, events.get(i))));
            after.forEach(answer -> assertEquals(200, answer.statusCode(), answer.body()));
        }
        try (Connection sql = DriverManager.getConnection(db)) {
            for (String session : sessions) {
                assertEquals(1, count(sql, "SELECT COUNT(*) FROM coin_ledger WHERE reason = 'purchase' AND reference = ?",
                        session), session);
            }
            for (int u = 0; u < 6; u++) {
                assertEquals(COINS * 15, balance(sql, "outage-" + u));
            }
            assertBalancesAreLedgerSums(sql);
        }
    }

    // ---- helpers ----

    private ChildServer start(String name, String db, Map<String, String> extra) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        Map<String, String> env = new HashMap<>(Map.of(
                "DB_URL", db,
                "STRIPE_WEBHOOK_SECRET", TestServer.WEBHOOK_SECRET,
                "INTERNAL_API_KEY", INTERNAL_KEY,
                "AUTH_JWT_SECRET", TestServer.JWT_SECRET,
                "RATELIMIT_CHECKOUT_PER_MINUTE", "1000"));
        env.putAll(extra);
        return ChildServer.startJar(folder, env);
    }

    private static Map<String, String> stripeEnv(FakeStripe stripe) {
        return Map.of("STRIPE_SECRET_KEY", TestServer.STRIPE_KEY, "STRIPE_API_BASE", stripe.apiBase());
    }

    private static String token(String user) {
        return new coinpurse.auth.TokenService(TestServer.JWT_SECRET).issue(user, Duration.ofHours(1));
    }

    private String checkout(ChildServer server, String token) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(server.url("/api/payment/create-checkout-session")))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"package_id\": \"popular\"}"))
                .timeout(REQUEST_TIMEOUT)
                .build());
        assertEquals(200, answer.statusCode(), answer.body());
        return TestServer.parse(answer.body()).get("session_id").asText();
    }

    private static HttpRequest webhook(ChildServer server, String event) {
        return HttpRequest.newBuilder(URI.create(server.url("/api/payment/webhook")))
                .header("Content-Type", "application/json")
                .header("Stripe-Signature", WebhookSigner.sign(event, TestServer.WEBHOOK_SECRET))
                .POST(HttpRequest.BodyPublishers.ofString(event))
                .timeout(REQUEST_TIMEOUT)
                .build();
    }

    private static HttpRequest get(ChildServer server, String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url(path))).GET().timeout(REQUEST_TIMEOUT);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    private static HttpRequest internal(ChildServer server, String kind, String user, long amount, String key) {
        return HttpRequest.newBuilder(URI.create(server.url("/api/internal/coins/" + kind)))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + INTERNAL_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"user_id\": \"" + user + "\", \"amount\": " + amount
                        + ", \"idempotency_key\": \"" + key + "\"}"))
                .timeout(REQUEST_TIMEOUT)
                .build();
    }

    private static HttpRequest hold(ChildServer server, String user, long amount, String key, long seconds) {
        return HttpRequest.newBuilder(URI.create(server.url("/api/internal/coins/holds")))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + INTERNAL_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"user_id\": \"" + user + "\", \"amount\": " + amount
                        + ", \"idempotency_key\": \"" + key + "\", \"reason\": \"job\", \"expires_in_seconds\": "
                        + seconds + "}"))
                .timeout(REQUEST_TIMEOUT)
                .build();
    }

    private static HttpRequest resolve(ChildServer server, String holdId, String how) {
        return HttpRequest.newBuilder(URI.create(server.url("/api/internal/coins/holds/" + holdId + "/" + how)))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + INTERNAL_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .timeout(REQUEST_TIMEOUT)
                .build();
    }

    private static String statusOf(Connection sql, String holdId) throws SQLException {
        try (PreparedStatement query = sql.prepareStatement("SELECT status FROM holds WHERE hold_id = ?")) {
            query.setString(1, holdId);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    /**
     * Until two sessions of the instances wait for a lock: nothing else runs, and each instance
     * sweeps on one thread, so that is each instance's sweep, stopped at the test's locked holds.
     */
    private static void awaitBothSweepsWaiting(Connection sql) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (count(sql, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND wait_event_type = 'Lock' AND application_name = ?", "coinpurse") < 2) {
            assertTrue(System.nanoTime() < deadline, "the two instances' sweeps never reached the held holds");
            pause();
        }
    }

    private static void awaitExpired(Connection sql, List<String> holdIds) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (String holdId : holdIds) {
            while (!statusOf(sql, holdId).equals("expired")) {
                assertTrue(System.nanoTime() < deadline, "the sweeps never expired " + holdId);
                pause();
            }
        }
    }

    /** Between two looks at the database while waiting for the instances: the deadline bounds the wait. */
    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long count(Connection sql, String query, String parameter) throws SQLException {
        try (PreparedStatement statement = sql.prepareStatement(query)) {
            statement.setString(1, parameter);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static long balance(Connection sql, String user) throws SQLException {
        return count(sql, "SELECT COALESCE((SELECT balance FROM users WHERE id = ?), 0)", user);
    }

    private static void assertBalancesAreLedgerSums(Connection sql) throws SQLException {
        try (PreparedStatement query = sql.prepareStatement("""
                SELECT u.id, u.balance, COALESCE(SUM(l.delta), 0)
                FROM users u LEFT JOIN coin_ledger l ON l.user_id = u.id
                GROUP BY u.id, u.balance""");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                assertEquals(rows.getLong(3), rows.getLong(2), "balance of " + rows.getString(1));
            }
        }
    }
}
