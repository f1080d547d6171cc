package coinpurse.events;

import static coinpurse.support.JsonAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.EventStreamClient;
import coinpurse.support.EventStreamClient.Event;
import coinpurse.support.MovableClock;
import coinpurse.support.StuckClient;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/coins/stream} through a real HTTP client reading the event stream line by line:
 * each of the user's events as {@code id:} its sequence, {@code event:} its type and {@code data:} the
 * event's JSON; from the moment it opened, or exactly after a {@code Last-Event-ID}; heartbeats;
 * the user's token in the header or the cookie; another instance's events; a client that stops reading.
 */
class EventStreamTest {
    private static final String API_KEY = "stream-test-internal-key-0123456789";
    private static final String COOKIE = "coinpurse_session";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration HEARTBEAT = Duration.ofMillis(150);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEB_APP = "https://shop.example";
    private static final int BATCH = 100;

    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.startWithStreamTimings(dir.resolve("server"),
                Map.of("INTERNAL_API_KEY", API_KEY, "AUTH_COOKIE_NAME", COOKIE, "CORS_ALLOWED_ORIGINS", WEB_APP),
                StreamTimings.DEFAULT.withHeartbeat(HEARTBEAT));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void eachEventArrivesAsItsSequenceItsTypeAndItsJson() {
        String user = user("streamed");
        try (EventStreamClient stream = open(server, user, Map.of())) {
            assertEquals(200, stream.status());
            assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());

            grant(server, user, 100);
            spend(server, user, 30);

            List<Event> events = stream.next(2, WAIT);
            assertEquals(List.of("1", "2"), events.stream().map(Event::id).toList());
            assertEquals(List.of("coins.granted", "coins.spent"), events.stream().map(Event::event).toList());
            List<JsonNode> pulled = pulledEventsOf(user);
            assertEquals(pulled, events.stream().map(event -> TestServer.parse(event.data())).toList(),
                    "data is the event's JSON, as the pull route lists it");
            assertEquals(70, TestServer.parse(events.get(1).data()).get("data").get("balance_after").asLong());
        }
    }

    @Test
    void withoutLastEventIdItStartsWithWhatIsCommittedAfterItOpened() {
        String user = user("late");
        grant(server, user, 10);
        grant(server, user, 10);
        try (EventStreamClient stream = open(server, user, Map.of())) {
            grant(server, user, 10);

            Event first = stream.next(WAIT);
            assertEquals("3", first.id(), "the two events before it opened are not sent");
        }
    }

    /** A client drops mid-way, changes go on, and it resumes: it gets exactly what it missed, then what comes. */
    @Test
    void aResumeWithLastEventIdGetsExactlyTheHistoryItMissed() {
        String user = user("resumer");
        String lastSeen;
        try (EventStreamClient stream = open(server, user, Map.of())) {
            grant(server, user, 100);
            spend(server, user, 5);
            grant(server, user, 7);
            List<Event> seen = stream.next(2, WAIT);
            assertEquals(List.of("1", "2"), ids(seen));
            lastSeen = seen.get(1).id();
        }
        spend(server, user, 1);
        grant(server, user, 3);

        try (EventStreamClient resumed = open(server, user, Map.of("Last-Event-ID", lastSeen))) {
            List<Event> missed = resumed.next(3, WAIT);
            List<JsonNode> history = pulledEventsOf(user);
            assertEquals(history.subList(2, 5), missed.stream().map(event -> TestServer.parse(event.data())).toList(),
                    "exactly the events after " + lastSeen + ", as stored");
            assertEquals(List.of("3", "4", "5"), ids(missed));

            spend(server, user, 2);
            assertEquals("6", resumed.next(WAIT).id(), "then live, with no repeat and no gap at the seam");
            grant(server, user, 1);
            assertEquals("7", resumed.next(WAIT).id());
            assertEquals(List.of(), resumed.drain());
        }
    }

    /** For a page that opens a new EventSource after a reload; EventSource's own header wins on its reconnects. */
    @Test
    void theLastEventIdQueryParameterResumesAndTheHeaderWinsOverIt() {
        String user = user("reloaded");
        for (int i = 0; i < 4; i++) {
            grant(server, user, 1);
        }
        try (EventStreamClient byQuery = EventStreamClient.open(server.url("/api/coins/stream?last_event_id=2"),
                Map.of("Authorization", "Bearer " + server.token(user)))) {
            assertEquals(List.of("3", "4"), ids(byQuery.next(2, WAIT)));
        }
        try (EventStreamClient both = EventStreamClient.open(server.url("/api/coins/stream?last_event_id=1"),
                Map.of("Authorization", "Bearer " + server.token(user), "Last-Event-ID", "3"))) {
            assertEquals(List.of("4"), ids(both.next(1, WAIT)));
        }
    }

    @Test
    void aLastEventIdThatIsNoSequenceOfThisUserIs400() {
        String user = user("wrong-id");
        grant(server, user, 1);
        String token = server.token(user);

        assertError(streamRequest(token, "Last-Event-ID", "evt_123"), 400, "bad_request");
        assertError(streamRequest(token, "Last-Event-ID", "-1"), 400, "bad_request");
        assertError(streamRequest(token, "Last-Event-ID", "2"), 400, "bad_request");
    }

    @Test
    void aCommentLineKeepsAnIdleStreamOpen() {
        try (EventStreamClient stream = open(server, user("idle"), Map.of())) {
            for (int i = 0; i < 3; i++) {
                assertEquals("", stream.nextComment(WAIT), "comment " + (i + 1));
            }
            assertEquals(List.of(), stream.drain(), "comments only");
        }
    }

    @Test
    void theCookieOpensItTooAndNothingElseDoes() {
        String user = user("cookie");
        String token = server.token(user);
        try (EventStreamClient stream = EventStreamClient.open(server.url("/api/coins/stream"),
                Map.of("Cookie", COOKIE + "=" + token))) {
            assertEquals(200, stream.status());
            grant(server, user, 4);
            assertEquals("coins.granted", stream.next(WAIT).event());
        }

        assertError(streamRequest(null, "Accept", "text/event-stream"), 401, "unauthorized");
        assertError(streamRequest("not-a-token", "Accept", "text/event-stream"), 401, "unauthorized");
        HttpResponse<String> otherCookie = server.send(HttpRequest.newBuilder(URI.create(server.url("/api/coins/stream")))
                .header("Accept", "text/event-stream").header("Cookie", "other=" + token).GET());
        assertError(otherCookie, 401, "unauthorized");
    }

    /** A stream lasts as long as the token it was opened with is accepted; then the client must come back with a new one. */
    @Test
    void theStreamEndsWhenItsTokenExpires(@TempDir Path clockDir) throws Exception {
        MovableClock clock = MovableClock.atNow();
        try (TestServer timed = TestServer.startWithStreamTimings(clockDir, Map.of(),
                StreamTimings.DEFAULT.withWriteTimeout(Duration.ofMillis(400)), clock)) {
            String token = timed.deps().tokens().issue(user("expiring"), Duration.ofMinutes(5));
            try (EventStreamClient stream = EventStreamClient.open(timed.url("/api/coins/stream"),
                    Map.of("Authorization", "Bearer " + token))) {
                assertEquals(200, stream.status());
                awaitOpen(timed, 1);
                clock.advance(Duration.ofMinutes(4));
                assertFalse(stream.awaitEnd(Duration.ofMillis(500)), "ended while its token was valid");

                clock.advance(Duration.ofMinutes(3)); // past exp and the minute of leeway
                assertTrue(stream.awaitEnd(WAIT), "still open with an expired token");
            }
            assertError(timed.send(HttpRequest.newBuilder(URI.create(timed.url("/api/coins/stream")))
                    .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token).GET()),
                    401, "unauthorized");
        }
    }

    @Test
    void aRequestThatDoesNotAcceptAnEventStreamIs406() {
        HttpResponse<String> answer = server.send(HttpRequest.newBuilder(URI.create(server.url("/api/coins/stream")))
                .header("Authorization", "Bearer " + server.token(user("curl"))).header("Accept", "application/json")
                .GET());

        assertError(answer, 406, "not_acceptable");
    }

    @Test
    void theWebAppsOriginMayOpenItWithItsCookie() {
        String user = user("cors");
        try (EventStreamClient stream = EventStreamClient.open(server.url("/api/coins/stream"),
                Map.of("Cookie", COOKIE + "=" + server.token(user), "Origin", WEB_APP))) {
            assertEquals(200, stream.status());
            assertEquals(WEB_APP, stream.header("Access-Control-Allow-Origin"));
            assertEquals("true", stream.header("Access-Control-Allow-Credentials"));
        }
    }

    /** Open streams wait without a thread: none is inside the stream's code, and Jetty's busy threads stay as they were. */
    @Test
    void openStreamsHoldNoThread(@TempDir Path idleDir) throws Exception {
        try (TestServer idle = TestServer.startWithStreamTimings(idleDir, Map.of(), StreamTimings.DEFAULT)) {
            QueuedThreadPool jetty = (QueuedThreadPool) idle.javalin().jettyServer().threadPool();
            int busyBefore = jetty.getBusyThreads();
            List<EventStreamClient> streams = new ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    streams.add(open(idle, user("idle"), Map.of()));
                }
                awaitOpen(idle, 40);
                assertTrue(streams.stream().allMatch(stream -> stream.status() == 200));

                // Their backfills, and the other servers' heartbeats, run on writers for a moment.
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (!threadsInTheStreamsCode().isEmpty() || jetty.getBusyThreads() > busyBefore) {
                    assertTrue(System.nanoTime() < deadline, "threads in the streams' code: "
                            + threadsInTheStreamsCode() + "; Jetty: " + jetty.getBusyThreads() + " busy, "
                            + busyBefore + " before 40 streams opened");
                    Thread.sleep(20);
                }
            } finally {
                streams.forEach(EventStreamClient::close);
            }
        }
    }

    /**
     * Each user's events reach each of their open streams, written through another instance (on
     * PostgreSQL two servers on one database; on SQLite, which one instance serves, the same one),
     * within 2 s of the answer that committed them.
     */
    @Test
    void anotherInstancesEventsReachTheStreamWithinTwoSeconds(@TempDir Path secondDir) {
        TestServer second = TestServer.onPostgres()
                ? TestServer.startWithStreamTimings(secondDir, Map.of("INTERNAL_API_KEY", API_KEY,
                        "DB_URL", server.deps().config().dbAccess().postgresUrl().orElseThrow()), StreamTimings.DEFAULT)
                : server;
        String user = user("elsewhere");
        try (EventStreamClient here = open(second, user, Map.of());
                EventStreamClient alsoHere = open(second, user, Map.of())) {
            for (int i = 1; i <= 5; i++) {
                grant(server, user, i);
                long committed = System.nanoTime();
                for (EventStreamClient stream : List.of(here, alsoHere)) {
                    Event event = stream.next(WAIT);
                    assertEquals(Integer.toString(i), event.id());
                    Duration took = Duration.ofNanos(event.receivedNanos() - committed);
                    assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "event " + i + " took " + took);
                }
            }
        } finally {
            if (second != server) {
                second.close();
            }
        }
    }

    /**
     * A client that stops reading: once the sockets between it and the server are full its writes
     * block, its few buffered events fill, and it is cut off, while the user's other stream and
     * another user's stream get every event as it comes; it resumes from the last event it had and
     * gets the rest.
     */
    @Test
    void aClientThatStopsReadingIsDroppedWithoutHoldingUpOthers(@TempDir Path slowDir) throws Exception {
        try (TestServer small = TestServer.startWithStreamTimings(slowDir, Map.of("INTERNAL_API_KEY", API_KEY),
                StreamTimings.DEFAULT.withBuffer(8).withWriteTimeout(Duration.ofMinutes(5)));
                Socket stuck = new Socket()) {
            String user = user("stuck");
            String other = user("reader");
            stuck.connect(new InetSocketAddress("127.0.0.1", small.port()));
            stuck.getOutputStream().write(("GET /api/coins/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Accept: text/event-stream\r\nAuthorization: Bearer " + small.token(user) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            int events = 0;
            try (EventStreamClient mine = open(small, user, Map.of());
                    EventStreamClient theirs = open(small, other, Map.of())) {
                awaitOpen(small, 3);
                // Batches of some 50 KB until it is dropped: the kernel's socket buffers grow to a few MB.
                for (int batch = 1; small.eventStreams().openStreams() == 3; batch++) {
                    assertTrue(batch <= 400, "the client that does not read was never dropped");
                    grantInOneTransaction(small, user, BATCH);
                    grantInOneTransaction(small, other, 1);
                    for (int n = 0; n < BATCH; n++) {
                        assertEquals(Integer.toString(++events), mine.next(WAIT).id());
                    }
                    assertEquals(Integer.toString(batch), theirs.next(WAIT).id());
                }
                assertEquals(2, small.eventStreams().openStreams(), "only the client that does not read is dropped");
            }

            List<String> stuckGot = StuckClient.readUntilTheServerEndsIt(stuck, WAIT);
            assertFalse(stuckGot.isEmpty(), "it had the first events");
            long lastRead = Long.parseLong(stuckGot.get(stuckGot.size() - 1));
            assertTrue(lastRead < events, "it was not dropped: it had all " + events);
            assertEquals(LongStream.rangeClosed(1, lastRead).mapToObj(Long::toString).toList(), stuckGot,
                    "in order, without a gap, until it was cut off");
            try (EventStreamClient resumed = open(small, user, Map.of("Last-Event-ID", Long.toString(lastRead)))) {
                List<Event> rest = resumed.next((int) (events - lastRead), WAIT);
                assertEquals(LongStream.rangeClosed(lastRead + 1, events).mapToObj(Long::toString).toList(), ids(rest));
            }
        }
    }

    // ---- helpers ----

    private static List<String> ids(List<Event> events) {
        return events.stream().map(Event::id).toList();
    }


    static EventStreamClient open(TestServer on, String user, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.putIfAbsent("Authorization", "Bearer " + on.token(user));
        return EventStreamClient.open(on.url("/api/coins/stream"), all);
    }

    /** The user's events as {@code GET /api/internal/events} lists them. */
    static List<JsonNode> pulledEventsOf(String user) {
        List<JsonNode> mine = new ArrayList<>();
        String after = null;
        while (true) {
            HttpResponse<String> answer = server.get("/api/internal/events?limit=1000"
                    + (after == null ? "" : "&after=" + after), API_KEY);
            JsonNode page = ok(answer);
            page.get("events").forEach(event -> {
                if (event.get("user_id").asText().equals(user)) {
                    mine.add(event);
                }
            });
            if (page.get("events").isEmpty()) {
                return mine;
            }
            after = page.get("next_after").asText();
        }
    }

    /** {@code count} grants of one coin in one transaction, as the wallet writes them; each event some 500 bytes. */
    private static void grantInOneTransaction(TestServer on, String user, int count) {
        on.deps().db().inTransaction(connection -> {
            for (int i = 0; i < count; i++) {
                on.coinBook().grant(connection, user, 1, null, "g-" + UUID.randomUUID() + "-" + "r".repeat(200));
            }
            return null;
        });
    }

    private static List<String> threadsInTheStreamsCode() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(thread -> thread.getKey() != Thread.currentThread())
                .filter(thread -> Arrays.stream(thread.getValue()).anyMatch(frame ->
                        frame.getClassName().startsWith("coinpurse.events.") || frame.getClassName().contains(".sse.")))
                .map(thread -> thread.getKey().getName())
                .toList();
    }

    /** Waits until {@code count} streams are registered with the hub (a stream registers just after its 200). */
    private static void awaitOpen(TestServer on, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (on.eventStreams().openStreams() < count) {
            assertTrue(System.nanoTime() < deadline, "streams open: " + on.eventStreams().openStreams());
            Thread.sleep(10);
        }
    }

    /** A stream request sent by {@link TestServer#send} (whose answer docs/openapi.yaml must describe). */
    private static HttpResponse<String> streamRequest(String token, String header, String value) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url("/api/coins/stream"))).GET()
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (!header.equals("Accept")) {
            request.header(header, value);
        }
        return server.send(request);
    }

    static void grant(TestServer on, String user, long amount) {
        ok(on.post("/api/internal/coins/grant", body(user, amount), API_KEY));
    }

    static void spend(TestServer on, String user, long amount) {
        ok(on.post("/api/internal/coins/spend", body(user, amount), API_KEY));
    }

    private static String body(String user, long amount) {
        return JSON.createObjectNode().put("user_id", user).put("amount", amount)
                .put("idempotency_key", "k-" + UUID.randomUUID()).toString();
    }

    static JsonNode ok(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.json(response);
    }

    static String user(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
