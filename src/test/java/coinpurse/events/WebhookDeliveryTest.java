package coinpurse.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.CliRun;
import coinpurse.support.MovableClock;
import coinpurse.support.PrometheusScrape;
import coinpurse.support.TestServer;
import coinpurse.support.WebhookReceiver;
import coinpurse.support.WebhookReceiver.Delivery;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events pushed to {@code events.webhook_url} (SPEC "Events for the web app", Pushed): each one
 * POST of its JSON, signed by Standard Webhooks; 2xx delivers it for good; anything else is retried
 * on growing, jittered delays up to an hour apart, for 3 days; each user's events in order, one user's
 * failures holding back no other user. The clock is a {@link MovableClock}, and the test drives
 * the sender ({@link WebhookSender#deliverDue}) except where the running loop itself is the point.
 */
class WebhookDeliveryTest {
    private static final String API_KEY = "webhook-test-internal-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static MovableClock clock;
    static WebhookReceiver receiver;
    static TestServer server;
    static WebhookSender sender;

    @BeforeAll
    static void start() {
        clock = MovableClock.atNow();
        receiver = WebhookReceiver.start();
        server = TestServer.startWithClock(dir.resolve("server"), Map.of("INTERNAL_API_KEY", API_KEY,
                "METRICS_ENABLED", "true", "EVENTS_WEBHOOK_URL", receiver.url(),
                "EVENTS_WEBHOOK_SECRET", WebhookReceiver.SECRET), clock);
        sender = server.services().webhookSender().orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
        receiver.close();
    }

    /** Each test starts with nothing due: what earlier tests left waiting is delivered first. */
    @BeforeEach
    void deliverWhatIsLeft() throws InterruptedException {
        receiver.answerAll(200);
        clock.advance(Duration.ofDays(4));
        while (sender.deliverDue() > 0) {
            // each round sends each user's next event
        }
    }

    @Test
    void anEventIsOnePostOfItsJsonSignedByStandardWebhooksAndA2xxDeliversItForGood() throws Exception {
        String user = user("signed");
        grant(user, 25);
        String eventId = eventId(user, 1);
        int before = receiver.deliveries().size();

        assertEquals(1, sender.deliverDue());

        List<Delivery> got = receiver.deliveries().subList(before, receiver.deliveries().size());
        assertEquals(1, got.size(), got.toString());
        Delivery delivery = got.get(0);
        assertTrue(delivery.signatureValid(), "webhook-signature verifies with the secret: " + delivery);
        assertTrue(delivery.signature().matches("v1,[A-Za-z0-9+/]+=*"), delivery.signature());
        assertEquals(eventId, delivery.id(), "webhook-id is the event's id");
        assertEquals(clock.instant().getEpochSecond(), delivery.timestamp(), "webhook-timestamp: the attempt's time");
        assertEquals("application/json", delivery.contentType());
        assertEquals(feedEvent(eventId), delivery.event(), "the same document the feed lists");
        assertEquals(List.of("id", "type", "created_at", "user_id", "sequence", "data"), fields(delivery.event()));
        assertEquals("delivered", stored(eventId, "delivery"));
        assertEquals("1", stored(eventId, "attempts"));

        clock.advance(Duration.ofDays(1));
        assertEquals(0, sender.deliverDue(), "a delivered event is never sent again");
        assertEquals(before + 1, receiver.deliveries().size());
    }

    @Test
    void aFailedEventIsRetriedOnGrowingJitteredDelaysUpToAnHourWithTheSameWebhookId() throws Exception {
        String user = user("retried");
        receiver.answer(event -> event.get("user_id").asText().equals(user) ? 500 : 200);
        grant(user, 5);
        String eventId = eventId(user, 1);

        List<Duration> delays = new ArrayList<>();
        List<Long> timestamps = new ArrayList<>();
        for (int attempt = 1; attempt <= 20; attempt++) {
            Instant at = clock.instant();
            assertEquals(1, sender.deliverDue(), "attempt " + attempt);
            timestamps.add(at.getEpochSecond());
            Instant next = Instant.parse(stored(eventId, "next_attempt_at"));
            delays.add(Duration.between(at, next));
            assertEquals("HTTP 500", stored(eventId, "last_error"));
            clock.advance(delays.get(delays.size() - 1).minusMillis(1));
            assertEquals(0, sender.deliverDue(), "not before its time");
            clock.advance(Duration.ofMillis(1));
        }

        List<Delivery> attempts = receiver.deliveries(event -> event.get("id").asText().equals(eventId));
        assertEquals(20, attempts.size());
        attempts.forEach(delivery -> assertEquals(eventId, delivery.id(), "webhook-id on every attempt"));
        assertEquals(timestamps, attempts.stream().map(Delivery::timestamp).toList(), "each attempt signed at its time");
        assertTrue(attempts.stream().allMatch(Delivery::signatureValid));
        assertEquals("20", stored(eventId, "attempts"));
        assertTrue(delays.get(0).compareTo(Duration.ofSeconds(10)) <= 0 && delays.get(0).toMillis() >= 5000,
                "the first retry within 10 s: " + delays.get(0));
        boolean reachedTheHour = false;
        Set<Double> ratios = new HashSet<>();
        for (int i = 1; i < delays.size(); i++) {
            long previous = delays.get(i - 1).toMillis();
            long delay = delays.get(i).toMillis();
            assertTrue(delay <= 2 * previous, "at most doubling: " + delays);
            assertTrue(delay <= Duration.ofHours(1).toMillis(), "at most an hour apart: " + delays);
            if (!reachedTheHour) {
                assertTrue(delay >= previous * 3 / 2 || delay >= Duration.ofMinutes(45).toMillis(), "growing: " + delays);
                ratios.add((double) delay / previous);
            }
            reachedTheHour |= delay >= Duration.ofMinutes(45).toMillis();
        }
        assertTrue(reachedTheHour, "up to an hour apart within 20 attempts: " + delays);
        assertTrue(ratios.size() >= 5, "jittered, not one fixed factor: " + delays);
    }

    @Test
    void aUsersNextEventWaitsForThePreviousAndOtherUsersEventsGoOn() throws Exception {
        String stuck = user("stuck");
        String other = user("other");
        receiver.answer(event -> event.get("user_id").asText().equals(stuck) ? 503 : 200);
        for (int i = 0; i < 3; i++) {
            grant(stuck, 1);
            grant(other, 1);
        }

        for (int round = 0; round < 5; round++) {
            sender.deliverDue();
        }

        assertEquals(List.of(1L), sequences(receiver.deliveries(ofUser(stuck))), "only the first, once, until its retry");
        assertEquals(List.of(1L, 2L, 3L), sequences(receiver.deliveries(ofUser(other))), "the other user's, in order");
        assertEquals("delivered", stored(eventId(other, 3), "delivery"));
        assertEquals("queued", undeliveredState(eventId(stuck, 2)));

        clock.advance(Duration.ofSeconds(10));
        sender.deliverDue();
        assertEquals(List.of(1L, 1L), sequences(receiver.deliveries(ofUser(stuck))), "retried, and still nothing after it");
        receiver.answerAll(200);
        clock.advance(Duration.ofSeconds(20));
        while (sender.deliverDue() > 0) {
            // one of the user's events per round
        }

        List<Delivery> stuckDeliveries = receiver.deliveries(ofUser(stuck));
        assertEquals(List.of(1L, 1L, 1L, 2L, 3L), sequences(stuckDeliveries));
        assertEquals(List.of(503, 503, 200, 200, 200), stuckDeliveries.stream().map(Delivery::answered).toList());
    }

    @Test
    void afterThreeDaysOfFailuresAnEventIsGivenUpAndTheUsersNextGoesOn() throws Exception {
        String user = user("given-up");
        grant(user, 1);
        grant(user, 2);
        String first = eventId(user, 1);
        receiver.answer(event -> event.get("id").asText().equals(first) ? 500 : 200);
        Instant created = Instant.parse(stored(first, "created_at"));
        Instant deadline = created.plus(Duration.ofDays(3));

        List<Instant> attemptedAt = new ArrayList<>();
        while (!"failed".equals(stored(first, "delivery"))) {
            attemptedAt.add(clock.instant());
            assertEquals(1, sender.deliverDue());
            assertEquals(List.of(), receiver.deliveries(event -> event.get("sequence").asLong() == 2
                    && event.get("user_id").asText().equals(user)), "the next waits while the first is retried");
            String next = stored(first, "next_attempt_at");
            if (next != null) {
                clock.advance(Duration.between(clock.instant(), Instant.parse(next)));
            }
        }

        Instant last = attemptedAt.get(attemptedAt.size() - 1);
        assertEquals(deadline, last, "the last attempt at the end of the 3 days");
        assertTrue(attemptedAt.get(attemptedAt.size() - 2).isBefore(deadline));
        assertTrue(attemptedAt.size() > 70 && attemptedAt.size() < 110, attemptedAt.size() + " attempts");
        assertEquals(Integer.toString(attemptedAt.size()), stored(first, "attempts"));
        assertEquals("HTTP 500", stored(first, "last_error"));
        assertEquals("given_up", undeliveredState(first));

        assertEquals(1, sender.deliverDue(), "the user's next event goes on at once");
        assertEquals("delivered", stored(eventId(user, 2), "delivery"));
        assertEquals(0, sender.deliverDue());
    }

    @Test
    void noAnswerInTimeAndNoConnectionAreFailuresRetriedLater() throws Exception {
        String hung = user("hung");
        receiver.answer(event -> event.get("user_id").asText().equals(hung) ? WebhookReceiver.HANG : 200);
        grant(hung, 1);
        try (WebhookSender impatient = WebhookSender.create(server.deps().db(), receiver.url(), WebhookReceiver.SECRET,
                clock, new Random(), server.deps().meters().registry(), Duration.ofSeconds(1))) {
            assertEquals(1, impatient.deliverDue());
        }
        receiver.release();
        assertEquals("no answer within 1 s", stored(eventId(hung, 1), "last_error"));
        assertEquals("pending", stored(eventId(hung, 1), "delivery"));

        String refused = user("refused");
        receiver.answerAll(200);
        grant(refused, 1);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (WebhookSender nowhere = WebhookSender.create(server.deps().db(), "http://127.0.0.1:" + closedPort + "/x",
                WebhookReceiver.SECRET, clock, new Random(), server.deps().meters().registry())) {
            assertTrue(nowhere.deliverDue() >= 1);
        }
        String error = stored(eventId(refused, 1), "last_error");
        assertTrue(error.startsWith("cannot connect to 127.0.0.1:" + closedPort), error);
        assertEquals("1", stored(eventId(refused, 1), "attempts"));
    }

    /** The attempt blocks on its socket: closing the sender must drop it, not wait out the 10 s timeout. */
    @Test
    void closingTheSenderDropsTheAttemptInFlightAndRecordsNothing() throws Exception {
        String held = user("held");
        receiver.answer(event -> event.get("user_id").asText().equals(held) ? WebhookReceiver.HANG : 200);
        grant(held, 1);
        WebhookSender closing = WebhookSender.create(server.deps().db(), receiver.url(), WebhookReceiver.SECRET,
                clock, new Random(), server.deps().meters().registry());
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> attempted = caller.submit(closing::deliverDue);
            while (!receiver.awaitHeld(Duration.ofSeconds(20)).equals(eventId(held, 1))) {
                Thread.onSpinWait();   // another test's held request, just released, is on its way out
            }
            closing.close();
            assertTrue(attempted.get(5, TimeUnit.SECONDS) >= 1, "deliverDue returns once the sender closed");
        } finally {
            caller.shutdownNow();
            receiver.release();
        }
        assertEquals("0", stored(eventId(held, 1), "attempts"));
        assertNull(stored(eventId(held, 1), "last_error"));
        assertEquals("pending", stored(eventId(held, 1), "delivery"));
    }

    @Test
    void theRunningSenderDeliversEachEventWithinSecondsInEachUsersOrder() throws Exception {
        List<String> users = List.of(user("live-a"), user("live-b"), user("live-c"));
        int before = receiver.deliveries().size();
        for (int i = 0; i < 4; i++) {
            for (String user : users) {
                grant(user, 1);
            }
        }
        try (WebhookSender running = WebhookSender.create(server.deps().db(), receiver.url(), WebhookReceiver.SECRET,
                clock, new Random(), server.deps().meters().registry())) {
            running.start();
            receiver.awaitDeliveries(before + 12, Duration.ofSeconds(5));
        }

        for (String user : users) {
            assertEquals(List.of(1L, 2L, 3L, 4L), sequences(receiver.deliveries(ofUser(user))), user);
        }
    }

    @Test
    void metricsCountDeliveredAndFailedAttemptsAndGaugeTheOldestWaitingEvent() throws Exception {
        double delivered = metric("coinpurse_events_push_attempts_total", "delivered");
        double failed = metric("coinpurse_events_push_attempts_total", "failed");
        assertEquals(0, metric("coinpurse_events_undelivered_oldest_age_seconds", null), "nothing waits");

        String user = user("metered");
        receiver.answer(event -> event.get("user_id").asText().equals(user) ? 500 : 200);
        grant(user, 1);
        sender.deliverDue();
        clock.advance(Duration.ofMinutes(2));

        assertEquals(failed + 1, metric("coinpurse_events_push_attempts_total", "failed"));
        assertEquals(120, metric("coinpurse_events_undelivered_oldest_age_seconds", null), 0.01);
        receiver.answerAll(200);
        sender.deliverDue();
        assertEquals(delivered + 1, metric("coinpurse_events_push_attempts_total", "delivered"));
        assertEquals(0, metric("coinpurse_events_undelivered_oldest_age_seconds", null));
    }

    @Test
    void theEventsCommandListsTheUndeliveredWithAttemptsNextAttemptAndLastError() throws Exception {
        String user = user("cli");
        receiver.answer(event -> event.get("user_id").asText().equals(user) ? 502 : 200);
        grant(user, 1);
        grant(user, 2);
        sender.deliverDue();
        Path config = server.writeCliConfig(dir.resolve("cli/" + user + ".properties"));

        CliRun text = CliRun.run("events", "--config", config.toString(), "--undelivered", "--user", user);

        assertEquals(0, text.exit(), text.err());
        List<String> lines = text.outLines();
        assertEquals("2 undelivered events of user " + user + ", oldest first:", lines.get(0));
        assertTrue(lines.get(1).matches("CREATED +USER +SEQ +TYPE +EVENT +STATE +ATTEMPTS +NEXT ATTEMPT +LAST ERROR"),
                lines.get(1));
        String next = stored(eventId(user, 1), "next_attempt_at");
        assertTrue(lines.get(2).matches("\\S+Z +" + user + " +1 +coins\\.granted +" + eventId(user, 1) + " +retrying +1 +"
                + next + " +HTTP 502"), lines.get(2));
        assertTrue(lines.get(3).matches("\\S+Z +" + user + " +2 +coins\\.granted +" + eventId(user, 2) + " +queued +0 +-"),
                lines.get(3));

        JsonNode json = TestServer.parse(CliRun.run("events", "--config", config.toString(), "--undelivered",
                "--user", user, "--json").out());
        assertEquals(2, json.get("matching").asLong());
        JsonNode first = json.get("events").get(0);
        assertEquals(eventId(user, 1), first.get("event_id").asText());
        assertEquals("retrying", first.get("state").asText());
        assertEquals(1, first.get("attempts").asInt());
        assertEquals(next, first.get("next_attempt_at").asText());
        assertEquals("HTTP 502", first.get("last_error").asText());
        assertEquals("queued", json.get("events").get(1).get("state").asText());

        receiver.answerAll(200);
        clock.advance(Duration.ofMinutes(1));
        while (sender.deliverDue() > 0) {
            // both go
        }
        CliRun none = CliRun.run("events", "--config", config.toString(), "--undelivered", "--user", user);
        assertEquals("no undelivered events of user " + user, none.out().strip());
    }

    // ---- helpers ----

    private static double metric(String name, String outcome) {
        HttpResponse<String> scraped = server.get("/metrics", API_KEY);
        assertEquals(200, scraped.statusCode());
        return PrometheusScrape.parse(scraped.body()).samples().stream()
                .filter(sample -> sample.name().equals(name))
                .filter(sample -> outcome == null || outcome.equals(sample.labels().get("outcome")))
                .mapToDouble(PrometheusScrape.Sample::value).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " " + outcome + " in " + scraped.body()));
    }

    private static String undeliveredState(String eventId) {
        return new UndeliveredEvents().list(server.deps().db(), java.util.Optional.empty(), 10_000, clock.instant())
                .events().stream().filter(event -> event.eventId().equals(eventId)).findFirst()
                .map(UndeliveredEvents.Undelivered::state).orElse("delivered");
    }

    private static java.util.function.Predicate<JsonNode> ofUser(String user) {
        return event -> event.get("user_id").asText().equals(user);
    }

    private static List<Long> sequences(List<Delivery> deliveries) {
        return deliveries.stream().map(delivery -> delivery.event().get("sequence").asLong()).toList();
    }

    private static JsonNode feedEvent(String eventId) {
        String after = null;
        while (true) {
            HttpResponse<String> page = server.get("/api/internal/events?limit=1000"
                    + (after == null ? "" : "&after=" + after), API_KEY);
            assertEquals(200, page.statusCode(), page.body());
            JsonNode json = TestServer.json(page);
            for (JsonNode event : json.get("events")) {
                if (event.get("id").asText().equals(eventId)) {
                    return event;
                }
            }
            if (json.get("events").isEmpty()) {
                throw new AssertionError("the feed has no event " + eventId);
            }
            after = json.get("next_after").asText();
        }
    }

    private static String stored(String eventId, String column) {
        return server.queryString("SELECT " + column + " FROM app_events WHERE event_id = ?", eventId);
    }

    private static String eventId(String user, long sequence) {
        String id = server.queryString("SELECT event_id FROM app_events WHERE user_id = ? AND sequence = "
                + sequence, user);
        assertFalse(id == null, "no event " + sequence + " of " + user);
        return id;
    }

    private static void grant(String user, long amount) {
        HttpResponse<String> answer = server.post("/api/internal/coins/grant", JSON.createObjectNode()
                .put("user_id", user).put("amount", amount).put("idempotency_key", "g-" + UUID.randomUUID())
                .toString(), API_KEY);
        assertEquals(200, answer.statusCode(), answer.body());
    }

    private static List<String> fields(JsonNode json) {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String user(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
