package coinpurse.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * What the sandbox's Checkout page sends, sent over real HTTP as the page's script sends it (JSON,
 * with the server's own origin as {@code Origin}); every answer checked against docs/openapi.yaml.
 */
final class SandboxPages {
    private final TestServer server;

    SandboxPages(TestServer server) {
        this.server = server;
    }

    /** A new checkout of {@code packageId} for the user of {@code token}; returns its session id. */
    String checkout(String token, String packageId) {
        return server.checkout(token, packageId);
    }

    JsonNode session(String sessionId) {
        HttpResponse<String> answer = server.get("/sandbox/sessions/" + sessionId, null);
        assertEquals(200, answer.statusCode(), answer.body());
        return TestServer.json(answer);
    }

    HttpResponse<String> pay(String sessionId, String cardNumber) {
        return post("/sandbox/sessions/" + sessionId + "/pay", "{\"card_number\": \"" + cardNumber + "\"}");
    }

    /** Pays with the card that pays; the session's payment intent. */
    String paid(String sessionId) {
        HttpResponse<String> answer = pay(sessionId, "4242 4242 4242 4242");
        assertEquals(200, answer.statusCode(), answer.body());
        return session(sessionId).path("payment").path("payment_intent").asText();
    }

    HttpResponse<String> refund(String sessionId, Long cents) {
        return post("/sandbox/sessions/" + sessionId + "/refunds", cents == null ? "{}" : "{\"amount\": " + cents + "}");
    }

    HttpResponse<String> openDispute(String sessionId) {
        return post("/sandbox/sessions/" + sessionId + "/disputes", "{}");
    }

    HttpResponse<String> closeDispute(String sessionId, String outcome) {
        return post("/sandbox/sessions/" + sessionId + "/disputes/close", "{\"outcome\": \"" + outcome + "\"}");
    }

    HttpResponse<String> post(String path, String json) {
        return server.send(HttpRequest.newBuilder(URI.create(server.url(path)))
                .header("Content-Type", "application/json")
                .header("Origin", server.url(""))
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** The types of the events sent about {@code sessionId}, oldest first, and fails unless the webhook took each (200). */
    List<String> deliveredEvents(String sessionId) {
        List<String> types = new ArrayList<>();
        for (JsonNode event : session(sessionId).path("events")) {
            assertEquals(200, event.path("webhook_status").asInt(), event.toString());
            types.add(event.path("type").asText());
        }
        return types;
    }
}
