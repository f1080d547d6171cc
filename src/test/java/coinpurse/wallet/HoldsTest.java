package coinpurse.wallet;

import static coinpurse.support.JsonAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.Concurrently;
import coinpurse.support.HoldStatusChanges;
import coinpurse.support.MovableClock;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds through real HTTP on a real server (and database): reserve, capture (in part), release,
 * the deadline, each resolved exactly once, and {@code available} as what spends and new holds see.
 * The server's clock only moves when a test moves it.
 */
class HoldsTest {
    private static final String API_KEY = "holds-test-internal-key-0123456789";
    private static final String HOLDS = "/api/internal/coins/holds";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static MovableClock clock;
    static TestServer server;

    @BeforeAll
    static void start() {
        clock = MovableClock.atNow();
        server = TestServer.startWithClock(dir.resolve("server"), Map.of("INTERNAL_API_KEY", API_KEY), clock);
        recordStatusChanges(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aHoldReservesCoinsThatSpendsAndNewHoldsCannotTake() {
        String user = user("reserve");
        grant(user, 100);

        JsonNode hold = ok(createHold(user, 70, key(), 60));

        assertEquals(List.of("hold_id", "user_id", "amount", "status", "expires_at", "balance", "available"),
                fields(hold));
        assertEquals("open", hold.get("status").asText());
        assertEquals(100, hold.get("balance").asLong());
        assertEquals(30, hold.get("available").asLong());
        assertEquals(Instant.parse(hold.get("expires_at").asText()), clock.instant().plusSeconds(60));
        JsonNode balance = balance(user);
        assertEquals(100, balance.get("balance").asLong());
        assertEquals(70, balance.get("held").asLong());
        assertEquals(30, balance.get("available").asLong());
        assertError(spend(user, 31, key()), 409, "insufficient_funds");
        assertError(createHold(user, 31, key(), 60), 409, "insufficient_funds");
        ok(spend(user, 30, key()));
        assertEquals(70, server.storedBalance(user), "a hold moves no coins by itself");
    }

    @Test
    void aCaptureSpendsWhatItTakesFreesTheRestAndIsAnsweredAgainAsItWas() {
        String user = user("capture");
        grant(user, 100);
        String holdId = ok(createHold(user, 60, key(), 60)).get("hold_id").asText();

        JsonNode captured = ok(post(HOLDS + "/" + holdId + "/capture", "{\"amount\": 45}"));

        assertEquals(List.of("hold_id", "status", "captured", "entry_id", "balance", "available"), fields(captured));
        assertEquals("captured", captured.get("status").asText());
        assertEquals(45, captured.get("captured").asLong());
        assertEquals(55, captured.get("balance").asLong());
        assertEquals(55, captured.get("available").asLong(), "the 15 not captured are free again");
        assertEquals(-45, server.queryLong("SELECT delta FROM coin_ledger WHERE id = CAST(? AS BIGINT)",
                captured.get("entry_id").asText()));
        assertEquals("capture|" + holdId, server.queryString(
                "SELECT reason || '|' || reference FROM coin_ledger WHERE id = CAST(? AS BIGINT)",
                captured.get("entry_id").asText()));
        assertEquals(captured, ok(post(HOLDS + "/" + holdId + "/capture", "{}")), "any capture of a captured hold");
        assertClosed(post(HOLDS + "/" + holdId + "/release", ""), "hold_closed", "captured");
        assertEquals(55, server.storedBalance(user));
        JsonNode view = ok(get(HOLDS + "/" + holdId));
        assertEquals(List.of("hold_id", "user_id", "amount", "status", "expires_at", "reason", "captured"), fields(view));
        assertEquals("captured", view.get("status").asText());
        assertEquals(45, view.get("captured").asLong());
    }

    @Test
    void aReleaseSpendsNothingAndIsAnsweredAgainAsItWas() {
        String user = user("release");
        grant(user, 100);
        String holdId = ok(createHold(user, 60, key(), 60)).get("hold_id").asText();

        JsonNode released = ok(post(HOLDS + "/" + holdId + "/release", ""));

        assertEquals(List.of("hold_id", "status", "balance", "available"), fields(released));
        assertEquals(100, released.get("balance").asLong());
        assertEquals(100, released.get("available").asLong());
        assertEquals(released, ok(post(HOLDS + "/" + holdId + "/release", "{}")));
        assertClosed(post(HOLDS + "/" + holdId + "/capture", "{}"), "hold_closed", "released");
        assertEquals(100, server.storedBalance(user));
        assertTrue(ok(get(HOLDS + "/" + holdId)).get("captured").isNull());
    }

    @Test
    void aCaptureOfMoreThanIsHeldIs400AndTheHoldStaysOpen() {
        String user = user("exceeds");
        grant(user, 100);
        String holdId = ok(createHold(user, 60, key(), 60)).get("hold_id").asText();

        assertError(post(HOLDS + "/" + holdId + "/capture", "{\"amount\": 61}"), 400, "capture_exceeds_hold");

        assertEquals("open", ok(get(HOLDS + "/" + holdId)).get("status").asText());
        assertEquals(100, server.storedBalance(user));
    }

    @Test
    void atItsDeadlineAHoldExpiresForEveryReaderAndTheSweepMarksItOnce() {
        String user = user("deadline");
        grant(user, 100);
        String holdId = ok(createHold(user, 60, key(), 30)).get("hold_id").asText();
        clock.advance(Duration.ofSeconds(29));
        assertEquals(40, balance(user).get("available").asLong());

        clock.advance(Duration.ofSeconds(1));

        assertEquals("expired", ok(get(HOLDS + "/" + holdId)).get("status").asText());
        assertEquals(0, balance(user).get("held").asLong(), "no read after the deadline counts it as held");
        assertClosed(post(HOLDS + "/" + holdId + "/capture", "{}"), "hold_expired", "expired");
        assertClosed(post(HOLDS + "/" + holdId + "/release", ""), "hold_expired", "expired");
        assertEquals("open", storedStatus(holdId), "not swept yet");
        server.services().sweeps().sweepOnce();
        assertEquals("expired", storedStatus(holdId));
        server.services().sweeps().sweepOnce();
        assertEquals("expired", storedStatus(holdId));
        assertEquals(100, server.storedBalance(user), "an expired hold spends nothing");
    }

    @Test
    void aRefundThatTookTheHeldCoinsLeavesADebtWhenTheHoldIsCaptured() {
        String user = user("refunded-then-captured");
        String sessionId = server.checkout(server.token(user), "popular");
        server.deliver(server.paidEvent(sessionId));
        String holdId = ok(createHold(user, 500, key(), 60)).get("hold_id").asText();
        server.stripe().refund(server.storedPaymentIntent(sessionId), 1999, "succeeded").events()
                .forEach(server::deliver);
        assertEquals(0, server.storedBalance(user));
        assertEquals(-500, balance(user).get("available").asLong());

        JsonNode captured = ok(post(HOLDS + "/" + holdId + "/capture", "{}"));

        assertEquals(-500, captured.get("balance").asLong());
        JsonNode balance = balance(user);
        assertEquals(List.of(-500L, 0L, 0L), List.of(balance.get("balance").asLong(), balance.get("paid").asLong(),
                balance.get("bonus").asLong()));
    }

    @Test
    void parallelHoldsPastTheBalanceLeaveExactlyAsManyAsFit() throws Exception {
        String user = user("parallel");
        grant(user, 100);

        List<HttpResponse<String>> answers = Concurrently.allAtOnce(10,
                i -> () -> createHold(user, 30, key(), 60));

        long made = answers.stream().filter(answer -> answer.statusCode() == 200).count();
        assertEquals(3, made, "floor(100 / 30)");
        answers.stream().filter(answer -> answer.statusCode() != 200)
                .forEach(answer -> assertError(answer, 409, "insufficient_funds"));
        assertEquals(90, balance(user).get("held").asLong());
    }

    @Test
    void capturesAndReleasesOfOneHoldAtOnceResolveItOnce() throws Exception {
        for (int round = 0; round < 5; round++) {
            String user = user("race-" + round);
            grant(user, 100);
            String holdId = ok(createHold(user, 40, key(), 60)).get("hold_id").asText();

            List<HttpResponse<String>> answers = Concurrently.allAtOnce(8, i -> () ->
                    post(HOLDS + "/" + holdId + (i % 2 == 0 ? "/capture" : "/release"), "{}"));

            String status = storedStatus(holdId);
            for (HttpResponse<String> answer : answers) {
                if (answer.statusCode() == 200) {
                    assertEquals(status, TestServer.json(answer).get("status").asText(), answer.body());
                } else {
                    assertClosed(answer, "hold_closed", status);
                }
            }
            long captures = server.queryLong("SELECT COUNT(*) FROM coin_ledger WHERE reason = 'capture' AND reference = ?",
                    holdId);
            assertEquals(status.equals("captured") ? 1 : 0, captures, status);
            assertEquals(status.equals("captured") ? 60 : 100, server.storedBalance(user));
        }
    }

    /**
     * At the deadline (exactly, and a little after) captures, releases and sweeps all at once: the
     * hold expires once, every capture and release is told so, and nothing is spent.
     */
    @Test
    void atOrAfterTheDeadlineCapturesReleasesAndSweepsAtOnceExpireTheHoldOnce() throws Exception {
        for (int round = 0; round < 4; round++) {
            String user = user("deadline-race-" + round);
            grant(user, 100);
            String holdId = ok(createHold(user, 40, key(), 1)).get("hold_id").asText();
            clock.advance(Duration.ofMillis(round % 2 == 0 ? 1000 : 1500));

            List<HttpResponse<String>> answers = race(holdId, 3, 2, false);

            answers.forEach(answer -> assertClosed(answer, "hold_expired", "expired"));
            assertEquals(List.of("expired"), statusChanges(holdId), "expired once, by a sweep");
            assertEquals(0, captureRows(holdId));
            assertEquals(List.of(100L, 0L, 100L), balanceHeldAvailable(user), "nothing spent, nothing held");
            assertEquals(100, server.storedBalance(user));
        }
    }

    /**
     * A millisecond before the deadline, sweeps alone leave the hold open; captures and releases
     * racing sweeps resolve it once, and the sweep never expires it, then or after the deadline.
     */
    @Test
    void justBeforeTheDeadlineCapturesAndReleasesRacingTheSweepResolveTheHoldOnceAndTheSweepLeavesIt()
            throws Exception {
        for (int round = 0; round < 4; round++) {
            String user = user("before-deadline-" + round);
            grant(user, 100);
            String holdId = ok(createHold(user, 40, key(), 2)).get("hold_id").asText();
            clock.advance(Duration.ofMillis(1999));

            race(holdId, 0, 3, false);
            assertEquals("open", storedStatus(holdId), "no sweep expires a hold before its deadline");
            assertEquals(List.of(), statusChanges(holdId));

            List<HttpResponse<String>> answers = race(holdId, 3, 3, false);

            String status = storedStatus(holdId);
            assertTrue(status.equals("captured") || status.equals("released"), status);
            assertAnswersAgreeWith(status, answers);
            assertEquals(List.of(status), statusChanges(holdId));
            clock.advance(Duration.ofSeconds(1));
            server.services().sweeps().sweepOnce();
            assertEquals(List.of(status), statusChanges(holdId), "a resolved hold never expires");
            assertEquals(status.equals("captured") ? 1 : 0, captureRows(holdId));
            long balance = status.equals("captured") ? 60 : 100;
            assertEquals(List.of(balance, 0L, balance), balanceHeldAvailable(user));
        }
    }

    /**
     * The clock reaches the deadline while captures, releases and sweeps run: whichever comes first
     * ends the hold, once, and every answer tells that same end; a capture or release won only
     * before the deadline.
     */
    @Test
    void aDeadlinePassingDuringTheRaceEndsTheHoldOnceAndEveryAnswerAgrees() throws Exception {
        for (int round = 0; round < 6; round++) {
            String user = user("crossing-" + round);
            grant(user, 100);
            JsonNode created = ok(createHold(user, 40, key(), 1));
            String holdId = created.get("hold_id").asText();
            clock.advance(Duration.ofMillis(999));

            List<HttpResponse<String>> answers = race(holdId, 3, 2, true);
            // The race's sweeps may all have run before the deadline: one more, past it, settles
            // the hold, and leaves one that a capture or release ended as it was.
            server.services().sweeps().sweepOnce();

            String status = storedStatus(holdId);
            assertAnswersAgreeWith(status, answers);
            assertEquals(List.of(status), statusChanges(holdId));
            if (!status.equals("expired")) {
                String resolvedAt = server.queryString("SELECT resolved_at FROM holds WHERE hold_id = ?", holdId);
                assertTrue(resolvedAt.compareTo(created.get("expires_at").asText()) < 0,
                        status + " at " + resolvedAt + ", not before the deadline " + created.get("expires_at").asText());
            }
            assertEquals(status.equals("captured") ? 1 : 0, captureRows(holdId));
            long balance = status.equals("captured") ? 60 : 100;
            assertEquals(List.of(balance, 0L, balance), balanceHeldAvailable(user));
        }
    }

    /**
     * Captures racing a refund that takes the very coins held: ten holds of 50 of a purchase's 550
     * coins, captured one after another while the refund of the whole purchase arrives, so that
     * some captures come before it and some after. Each capture spends once (into debt after the
     * refund); any order ends with the same balance, lots and debt.
     */
    @Test
    void capturesRacingARefundOfTheHeldCoinsEachSpendOnceAndAnyOrderEndsTheSame() throws Exception {
        int capturesAfterTheRefund = 0;
        // Four rounds, and more while none has put a capture after the refund (the first round,
        // with the refund's path still cold, often captures all ten first).
        for (int round = 0; round < 4 || (capturesAfterTheRefund == 0 && round < 12); round++) {
            String user = user("capture-vs-refund-" + round);
            String sessionId = server.checkout(server.token(user), "popular");
            server.deliver(server.paidEvent(sessionId));
            List<String> holdIds = new java.util.ArrayList<>();
            for (int h = 0; h < 10; h++) {
                holdIds.add(ok(createHold(user, 50, key(), 60)).get("hold_id").asText());
            }
            List<String> refund = server.stripe().refund(server.storedPaymentIntent(sessionId), 1999, "succeeded")
                    .events();

            List<List<HttpResponse<String>>> answers = Concurrently.allAtOnce(2, i -> () -> i == 0
                    ? refund.stream().map(server::deliver).toList()
                    : holdIds.stream().map(holdId -> post(HOLDS + "/" + holdId + "/capture", "{}")).toList());

            answers.get(0).forEach(answer -> assertEquals(200, answer.statusCode(), answer.body()));
            for (int h = 0; h < holdIds.size(); h++) {
                JsonNode captured = ok(answers.get(1).get(h));
                assertEquals(50, captured.get("captured").asLong());
                assertEquals(List.of("captured"), statusChanges(holdIds.get(h)));
                assertEquals(1, captureRows(holdIds.get(h)));
                capturesAfterTheRefund += captured.get("balance").asLong() < 0 ? 1 : 0;
            }
            assertEquals(-550, server.queryLong(
                    "SELECT COALESCE(SUM(delta), 0) FROM coin_ledger WHERE user_id = ? AND reason = 'refund'", user));
            JsonNode balance = balance(user);
            assertEquals(List.of(-500L, 0L, 0L, 0L, -500L), List.of(balance.get("balance").asLong(),
                    balance.get("paid").asLong(), balance.get("bonus").asLong(), balance.get("held").asLong(),
                    balance.get("available").asLong()));
            assertEquals(500, server.queryLong("SELECT debt FROM users WHERE id = ?", user));
            assertEquals(0, server.queryLong("SELECT COALESCE(SUM(remaining), 0) FROM coin_lots WHERE user_id = ?", user));
            assertEquals(server.ledgerSum(user), server.storedBalance(user));
        }
        assertTrue(capturesAfterTheRefund > 0, "no capture came after the refund: the race was never run");
    }

    @Test
    void theSameKeyReturnsTheFirstHoldAndAnotherBodyIsAConflict() throws Exception {
        String user = user("idempotent");
        grant(user, 100);
        String key = key();

        List<HttpResponse<String>> answers = Concurrently.allAtOnce(6, i -> () -> createHold(user, 20, key, 60));

        JsonNode first = ok(answers.get(0));
        answers.forEach(answer -> assertEquals(first, ok(answer)));
        assertEquals(20, balance(user).get("held").asLong());
        assertError(createHold(user, 21, key, 60), 409, "idempotency_conflict");
    }

    @Test
    void badRequestsAre400AndAnUnknownHoldIs404() {
        String user = user("bad");
        grant(user, 100);
        assertError(createHold(user, 10, key(), 0), 400, "bad_request");
        assertError(createHold(user, 10, key(), 3601), 400, "bad_request");
        assertError(post(HOLDS, "{\"user_id\": \"" + user + "\", \"amount\": 5, \"idempotency_key\": \"" + key() + "\"}"),
                400, "bad_request");
        String holdId = ok(createHold(user, 10, key(), 60)).get("hold_id").asText();
        assertError(post(HOLDS + "/" + holdId + "/release", "{\"amount\": 1}"), 400, "bad_request");
        assertError(post(HOLDS + "/" + holdId + "/capture", "{\"amount\": 0}"), 400, "bad_request");
        assertError(get(HOLDS + "/hold_does_not_exist"), 404, "not_found");
        assertError(post(HOLDS + "/hold_does_not_exist/capture", "{}"), 404, "not_found");
    }

    /** Open holds outlive a restart: the next server's sweep, which runs by itself, expires them. */
    @Test
    void anOpenHoldWhoseDeadlinePassedWhileTheServerWasDownIsExpiredByTheNextServersSweep() {
        Path own = dir.resolve("restart");
        MovableClock ownClock = MovableClock.atNow();
        String holdId;
        String user = user("restart");
        Map<String, String> env = new HashMap<>(Map.of("INTERNAL_API_KEY", API_KEY));
        try (TestServer before = TestServer.startWithClock(own, env, ownClock)) {
            if (TestServer.onPostgres()) {
                env.put("DB_URL", before.deps().config().dbAccess().postgresUrl().orElseThrow());
            }
            before.post("/api/internal/coins/grant", grantBody(user, 100), API_KEY);
            holdId = TestServer.json(before.post(HOLDS, holdBody(user, 50, key(), 60), API_KEY)).get("hold_id").asText();
        }
        ownClock.advance(Duration.ofMinutes(5));
        try (TestServer after = TestServer.startWithClock(own, env, ownClock)) {
            after.services().sweeps().start(Duration.ofMillis(20));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!"expired".equals(after.queryString("SELECT status FROM holds WHERE hold_id = ?", holdId))) {
                assertTrue(System.nanoTime() < deadline, "the sweep never expired the hold");
                Thread.onSpinWait();
            }
            assertEquals(100, after.storedBalance(user));
        }
    }

    // ---- helpers ----

    private static String user(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String key() {
        return "hold-key-" + UUID.randomUUID();
    }

    private static void grant(String user, long amount) {
        ok(post("/api/internal/coins/grant", grantBody(user, amount)));
    }

    private static String grantBody(String user, long amount) {
        return JSON.createObjectNode().put("user_id", user).put("amount", amount).put("idempotency_key", key())
                .toString();
    }

    private static HttpResponse<String> spend(String user, long amount, String key) {
        return post("/api/internal/coins/spend", JSON.createObjectNode().put("user_id", user).put("amount", amount)
                .put("idempotency_key", key).toString());
    }

    private static HttpResponse<String> createHold(String user, long amount, String key, long seconds) {
        return post(HOLDS, holdBody(user, amount, key, seconds));
    }

    private static String holdBody(String user, long amount, String key, long seconds) {
        ObjectNode body = JSON.createObjectNode().put("user_id", user).put("amount", amount)
                .put("idempotency_key", key).put("reason", "ai-generation").put("expires_in_seconds", seconds);
        return body.toString();
    }

    private static JsonNode balance(String user) {
        return ok(server.get("/api/coins/balance", server.token(user)));
    }

    private static HttpResponse<String> post(String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url(path)))
                .header("Authorization", "Bearer " + API_KEY);
        if (!body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        return server.send(request.POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> get(String path) {
        return server.send(HttpRequest.newBuilder(URI.create(server.url(path)))
                .header("Authorization", "Bearer " + API_KEY).GET());
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.json(response);
    }

    /** The SPEC's 409 of a resolved hold: {@code error}, {@code message} and the hold's {@code status} beside them. */
    private static void assertClosed(HttpResponse<String> response, String code, String status) {
        assertEquals(409, response.statusCode(), response.body());
        JsonNode body = TestServer.json(response);
        assertEquals(List.of("error", "message", "status"), fields(body), response.body());
        assertEquals(code, body.get("error").asText(), response.body());
        assertEquals(status, body.get("status").asText(), response.body());
    }

    /**
     * {@code pairs} captures and as many releases (alternating, so neither kind is always first in
     * line) and {@code sweeps} sweeps of one hold, all released at once, and with {@code
     * reachDeadline} the clock moved on by a millisecond among them; answers the captures' and
     * releases' answers.
     */
    private static List<HttpResponse<String>> race(String holdId, int pairs, int sweeps, boolean reachDeadline)
            throws Exception {
        int requests = 2 * pairs;
        List<Optional<HttpResponse<String>>> answers = Concurrently.allAtOnce(
                requests + sweeps + (reachDeadline ? 1 : 0), i -> () -> {
                    if (i < requests) {
                        return Optional.of(i % 2 == 0 ? post(HOLDS + "/" + holdId + "/capture", "{}")
                                : post(HOLDS + "/" + holdId + "/release", ""));
                    }
                    if (i < requests + sweeps) {
                        server.services().sweeps().sweepOnce();
                    } else {
                        clock.advance(Duration.ofMillis(1));
                    }
                    return Optional.empty();
                });
        return answers.stream().flatMap(Optional::stream).toList();
    }

    /**
     * Every answer of a race tells the hold's one end: the winning kind 200 with one same answer,
     * the other kind 409 {@code hold_closed}; after an expiry, all 409 {@code hold_expired}.
     */
    private static void assertAnswersAgreeWith(String status, List<HttpResponse<String>> answers) {
        String first = null;
        for (HttpResponse<String> answer : answers) {
            if (status.equals("expired")) {
                assertClosed(answer, "hold_expired", "expired");
            } else if (answer.statusCode() == 200) {
                assertEquals(status, TestServer.json(answer).get("status").asText(), answer.body());
                first = first == null ? answer.body() : first;
                assertEquals(first, answer.body(), "the same request again answers as the first");
            } else {
                assertClosed(answer, "hold_closed", status);
            }
        }
    }

    /** The statuses the hold's row was given, in order, as the trigger {@link #recordStatusChanges} saw them. */
    private static List<String> statusChanges(String holdId) {
        return server.deps().db().read(connection -> HoldStatusChanges.of(connection, holdId));
    }

    /** {@link HoldStatusChanges}' trigger on the server's database. */
    private static void recordStatusChanges(TestServer on) {
        on.deps().db().inTransaction(connection -> {
            HoldStatusChanges.record(connection, TestServer.onPostgres());
            return null;
        });
    }

    private static long captureRows(String holdId) {
        return server.queryLong("SELECT COUNT(*) FROM coin_ledger WHERE reason = 'capture' AND reference = ?", holdId);
    }

    private static List<Long> balanceHeldAvailable(String user) {
        JsonNode balance = balance(user);
        return List.of(balance.get("balance").asLong(), balance.get("held").asLong(),
                balance.get("available").asLong());
    }

    private static String storedStatus(String holdId) {
        return server.queryString("SELECT status FROM holds WHERE hold_id = ?", holdId);
    }

    private static List<String> fields(JsonNode json) {
        List<String> names = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
