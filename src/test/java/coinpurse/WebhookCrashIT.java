package coinpurse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.ChildServer;
import coinpurse.support.TestServer;
import coinpurse.support.WebhookReceiver;
import coinpurse.support.WebhookReceiver.Delivery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushed events survive {@code kill -9} mid-delivery: the built jar is killed with SIGKILL while the
 * receiver holds the request of a user's first event open; started again on the same database, it
 * sends that event again (same {@code webhook-id}) once the dead instance's lease has passed, then the
 * user's next one: at least once, never lost, still in order.
 */
@Tag("slow")
class WebhookCrashIT {
    private static final String INTERNAL_KEY = "ik_webhook_crash_test_0123456789";
    private static final Duration STOP_LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anEventBeingSentWhenTheServerIsKilledIsSentAgainAfterTheRestartAndItsUsersNextAfterIt() throws Exception {
        Path db = dir.resolve("data/coinpurse.db");
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Map<String, String> env = Map.of("DB_PATH", db.toString(), "INTERNAL_API_KEY", INTERNAL_KEY,
                    "AUTH_JWT_SECRET", TestServer.JWT_SECRET, "EVENTS_WEBHOOK_URL", receiver.url(),
                    "EVENTS_WEBHOOK_SECRET", WebhookReceiver.SECRET);
            receiver.answer(event -> event.get("user_id").asText().equals("held") ? WebhookReceiver.HANG : 200);
            String heldId;
            try (ChildServer server = ChildServer.startJar(dir, env)) {
                grant(server, "held", 10);
                grant(server, "held", 20);
                grant(server, "free", 5);
                heldId = receiver.awaitHeld(Duration.ofSeconds(20));
                receiver.awaitDeliveries(1, Duration.ofSeconds(20)); // the other user's event, answered 200
                assertEquals(137, server.kill(STOP_LIMIT), "killed by SIGKILL");
                assertTrue(!server.output().contains("database closed"), server.output());
            }
            assertEquals("pending", column(db, "delivery", heldId), "killed before its answer");
            receiver.answerAll(200);
            receiver.release();

            try (ChildServer restarted = ChildServer.startJar(dir, env)) {
                // The dead instance's lease (30 s) passes, then the event is sent again, then the next.
                receiver.awaitDeliveries(4, Duration.ofSeconds(60));
                // A 2xx is recorded just after the receiver answered it; the other user's event may come twice
                // (killed between its answer and its record): at least once.
                awaitAllDelivered(db, Duration.ofSeconds(60));
                List<Delivery> all = receiver.deliveries();
                int restart = restarted.terminate(STOP_LIMIT);
                assertTrue(restart == 0 || restart == 143, "exit " + restart + "\n" + restarted.output());

                List<Delivery> held = all.stream().filter(d -> d.event().get("user_id").asText().equals("held")).toList();
                assertEquals(List.of(heldId, heldId), held.subList(0, 2).stream().map(Delivery::id).toList(),
                        "the same webhook-id again: " + held);
                assertEquals(List.of(1L, 1L, 2L), held.stream().map(d -> d.event().get("sequence").asLong()).toList());
                assertEquals(List.of(WebhookReceiver.HANG, 200, 200), held.stream().map(Delivery::answered).toList());
                assertTrue(all.stream().allMatch(Delivery::signatureValid));
            }
            assertEquals("delivered", column(db, "delivery", heldId));
            assertEquals(0, undelivered(db), "every event delivered");
        }
    }

    private static void awaitAllDelivered(Path db, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (undelivered(db) > 0) {
            assertTrue(System.nanoTime() < deadline, "events still undelivered after " + limit);
            Thread.sleep(20);
        }
    }

    private static int undelivered(Path db) throws Exception {
        try (Connection sql = DriverManager.getConnection("jdbc:sqlite:" + db);
                PreparedStatement query = sql.prepareStatement("SELECT COUNT(*) FROM app_events"
                        + " WHERE delivery <> 'delivered'");
                ResultSet row = query.executeQuery()) {
            row.next();
            return row.getInt(1);
        }
    }

    private void grant(ChildServer server, String user, long amount) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(server.url("/api/internal/coins/grant")))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + INTERNAL_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"user_id\": \"" + user + "\", \"amount\": " + amount
                        + ", \"idempotency_key\": \"" + user + "-" + amount + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
    }

    private static String column(Path db, String column, String eventId) throws Exception {
        try (Connection sql = DriverManager.getConnection("jdbc:sqlite:" + db);
                PreparedStatement query = sql.prepareStatement("SELECT " + column + " FROM app_events WHERE event_id = ?")) {
            query.setString(1, eventId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }
}
