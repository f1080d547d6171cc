package coinpurse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import coinpurse.events.WebhookSender;
import coinpurse.support.TestServer;
import coinpurse.support.Toolchains;
import coinpurse.support.WebhookReceiver;
import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/api.md's event receivers ("The web app's server: events pushed to it"), taken from the
 * document itself and run as written against a server pushing real deliveries: each gets the
 * user's events in order, verified, answers 2xx (so they are delivered), drops a replay of an id
 * it handled, and refuses a forged signature or an old timestamp with 400. The toolchains are
 * installed when missing (Node.js and standardwebhooks from src/test/node; Debian's python3), else
 * the test fails: none is skipped.
 */
class EventReceiverDocsTest {
    private static final Path API = Path.of("docs/api.md");
    private static final String API_KEY = "receiver-docs-internal-key-0123456789";
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theNodeReceiverWithStandardwebhooksVerifiesDeduplicatesAndAnswers2xx(@TempDir Path dir) throws Exception {
        Path script = writeExample(dir, "js", "receive-events.mjs");
        Files.createSymbolicLink(dir.resolve("node_modules"), Toolchains.nodeModules());

        receiveWith(dir, List.of("node", script.getFileName().toString()));
    }

    @Test
    void thePythonReceiverWithHmacVerifiesDeduplicatesAndAnswers2xx(@TempDir Path dir) throws Exception {
        Path script = writeExample(dir, "python", "receive_events.py");
        assertTrue(Files.isExecutable(Toolchains.PYTHON), "no " + Toolchains.PYTHON + ": apt-get install python3");

        receiveWith(dir, List.of(Toolchains.PYTHON.toString(), script.getFileName().toString()));
    }

    private void receiveWith(Path dir, List<String> command) throws Exception {
        int port = freePort();
        Path output = dir.resolve("receiver.out");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(Map.of("PORT", Integer.toString(port),
                "COINPURSE_WEBHOOK_SECRET", WebhookReceiver.SECRET));
        Process receiver = builder.start();
        try (TestServer server = TestServer.start(dir.resolve("server"), Map.of("INTERNAL_API_KEY", API_KEY,
                "EVENTS_WEBHOOK_URL", "http://127.0.0.1:" + port + "/coinpurse/events",
                "EVENTS_WEBHOOK_SECRET", WebhookReceiver.SECRET))) {
            awaitOutput(receiver, output, "listening");
            String user = "docs-" + UUID.randomUUID().toString().substring(0, 8);
            grant(server, user, 10);
            grant(server, user, 20);
            WebhookSender sender = server.services().webhookSender().orElseThrow();

            assertEquals(1, sender.deliverDue(), "the user's first event");
            assertEquals(1, sender.deliverDue(), "then the next");
            List<JsonNode> events = feed(server, user);
            for (JsonNode event : events) {
                assertEquals("delivered", server.queryString("SELECT delivery FROM app_events WHERE event_id = ?",
                        event.get("id").asText()), "answered 2xx: " + Files.readString(output));
            }
            awaitOutput(receiver, output, "sequence=2");
            assertEquals(List.of(
                    "received " + events.get(0).get("id").asText() + " coins.granted user=" + user + " sequence=1",
                    "received " + events.get(1).get("id").asText() + " coins.granted user=" + user + " sequence=2"),
                    printed(output, "received " ));

            String body = events.get(0).toString();
            String id = events.get(0).get("id").asText();
            long now = Instant.now().getEpochSecond();
            Webhook signer = new Webhook(WebhookReceiver.SECRET);
            assertEquals(204, post(port, id, now, signer.sign(id, now, body), body), "a replay is answered 2xx");
            awaitOutput(receiver, output, "duplicate " + id);
            assertEquals(2, printed(output, "received ").size(), "and not handled again");

            Webhook stranger = new Webhook("whsec_" + Base64.getEncoder().encodeToString(new byte[32]));
            assertEquals(400, post(port, "evt_forged", now, stranger.sign("evt_forged", now, body), body), "forged");
            long old = now - 600;
            assertEquals(400, post(port, "evt_old", old, signer.sign("evt_old", old, body), body), "10 minutes old");
            assertEquals(2, printed(output, "received ").size(), Files.readString(output));
        } finally {
            receiver.descendants().forEach(ProcessHandle::destroyForcibly);
            receiver.destroyForcibly().waitFor();
        }
    }

    private int post(int port, String id, long timestamp, String signature, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/coinpurse/events"))
                .header("Content-Type", "application/json")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(LIMIT)
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static List<JsonNode> feed(TestServer server, String user) {
        HttpResponse<String> page = server.get("/api/internal/events?limit=1000", API_KEY);
        assertEquals(200, page.statusCode(), page.body());
        List<JsonNode> mine = new ArrayList<>();
        TestServer.json(page).get("events").forEach(event -> {
            if (event.get("user_id").asText().equals(user)) {
                mine.add(event);
            }
        });
        assertEquals(2, mine.size(), page.body());
        return mine;
    }

    private static void grant(TestServer server, String user, long amount) {
        HttpResponse<String> answer = server.post("/api/internal/coins/grant", "{\"user_id\": \"" + user
                + "\", \"amount\": " + amount + ", \"idempotency_key\": \"" + UUID.randomUUID() + "\"}", API_KEY);
        assertEquals(200, answer.statusCode(), answer.body());
    }

    private static List<String> printed(Path output, String prefix) throws IOException {
        return Files.readString(output, UTF_8).lines().filter(line -> line.startsWith(prefix)).toList();
    }

    /** Waits until the receiver printed {@code text} (checked every 20 ms), at most {@link #LIMIT}. */
    private static void awaitOutput(Process receiver, Path output, String text) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!Files.readString(output, UTF_8).contains(text)) {
            if (!receiver.isAlive()) {
                fail("the receiver exited " + receiver.exitValue() + ":\n" + Files.readString(output, UTF_8));
            }
            if (System.nanoTime() > deadline) {
                fail("the receiver did not print \"" + text + "\" within " + LIMIT + ":\n" + Files.readString(output));
            }
            Thread.sleep(20);
        }
    }

    /** The fenced block of docs/api.md whose info string is {@code language file}, written to {@code dir/file}. */
    private static Path writeExample(Path dir, String language, String file) throws IOException {
        String doc = Files.readString(API);
        Matcher block = Pattern.compile("(?ms)^```" + Pattern.quote(language) + " " + Pattern.quote(file) + "\\n(.*?)^```$")
                .matcher(doc);
        if (!block.find()) {
            fail("docs/api.md has no ```" + language + " " + file + " block");
        }
        int section = doc.indexOf("## The web app's server: events pushed to it");
        assertTrue(section >= 0 && block.start() > section, file + " is not in \"The web app's server: events pushed to it\"");
        Path written = dir.resolve(file);
        Files.writeString(written, block.group(1));
        return written;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
