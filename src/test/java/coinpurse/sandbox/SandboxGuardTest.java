package coinpurse.sandbox;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.RawHttp;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The sandbox's routes answer only this machine and its own pages: a POST from another origin (a
 * site open in the same browser), without an Origin, or not as JSON changes nothing; a Host that is
 * not a loopback name (DNS rebinding) is refused even for reading. With the demo on, its "sign in
 * as" route mints tokens under the same rules.
 */
class SandboxGuardTest {
    @RunningServer(sandbox = true, env = {"APP_DEMO=true"})
    static TestServer server;
    /** The sandbox without the demo: no sign-in route. */
    @RunningServer(sandbox = true)
    static TestServer withoutDemo;

    private final SandboxPages pages = new SandboxPages(server);

    @Test
    void aPostWithoutTheServersOwnOriginIsRefused() {
        String sessionId = pages.checkout(server.token("guarded"), "starter");

        HttpResponse<String> noOrigin = send(sessionId, Optional.empty(), "application/json");
        HttpResponse<String> listedOrigin = send(sessionId, Optional.of("http://localhost:5173"), "application/json");
        HttpResponse<String> otherOrigin = send(sessionId, Optional.of("http://evil.example"), "application/json");

        assertEquals(403, noOrigin.statusCode(), noOrigin.body());
        assertEquals("origin_not_allowed", TestServer.json(noOrigin).get("error").asText());
        assertEquals(403, listedOrigin.statusCode(), "a CORS origin is still another origin: " + listedOrigin.body());
        assertEquals(400, otherOrigin.statusCode(), otherOrigin.body());
        assertEquals("open", pages.session(sessionId).get("status").asText());
        assertEquals(0, server.storedBalance("guarded"));
    }

    @Test
    void aPostThatIsNotJsonIsRefused() {
        String sessionId = pages.checkout(server.token("guarded-form"), "starter");

        HttpResponse<String> form = send(sessionId, Optional.of(server.url("")), "text/plain");

        assertEquals(415, form.statusCode(), form.body());
        assertEquals("open", pages.session(sessionId).get("status").asText());
    }

    @Test
    void aHostThatIsNotLoopbackIsRefusedEvenForReading() {
        String sessionId = pages.checkout(server.token("rebound"), "starter");
        String origin = "http://shop.example:" + server.port();
        try (RawHttp raw = new RawHttp(server.port())) {
            RawHttp.Answer read = raw.sendRaw(("GET /sandbox/sessions/" + sessionId + " HTTP/1.1\r\nHost: shop.example:"
                    + server.port() + "\r\nConnection: close\r\n\r\n").getBytes(UTF_8));
            String body = "{\"card_number\": \"4242424242424242\"}";
            RawHttp.Answer pay = raw.sendRaw(("POST /sandbox/sessions/" + sessionId + "/pay HTTP/1.1\r\nHost: shop.example:"
                    + server.port() + "\r\nOrigin: " + origin + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\nConnection: close\r\n\r\n" + body).getBytes(UTF_8));

            assertEquals(403, read.status(), read.body());
            assertTrue(read.body().contains("\"loopback_only\""), read.body());
            assertEquals(403, pay.status(), pay.body());
        }
        assertEquals("open", pages.session(sessionId).get("status").asText());
        assertEquals(0, server.storedBalance("rebound"));
    }

    @Test
    void theDemoSignsInByNameFromItsOwnPagesOnly() {
        HttpResponse<String> signedIn = pages.post("/sandbox/sign-in", "{\"user_id\": \"alice\"}");

        assertEquals(200, signedIn.statusCode(), signedIn.body());
        String token = TestServer.json(signedIn).get("token").asText();
        HttpResponse<String> balance = server.get("/api/coins/balance", token);
        assertEquals(200, balance.statusCode(), balance.body());
        assertEquals("alice", TestServer.json(balance).get("user_id").asText());

        HttpResponse<String> noOrigin = server.post("/sandbox/sign-in", "{\"user_id\": \"alice\"}", null);
        assertEquals(403, noOrigin.statusCode(), noOrigin.body());
        assertFalse(noOrigin.body().contains("token\""), noOrigin.body());
        assertEquals(400, pages.post("/sandbox/sign-in", "{\"user_id\": 42}").statusCode());
        assertEquals(404, new SandboxPages(withoutDemo).post("/sandbox/sign-in", "{\"user_id\": \"alice\"}")
                .statusCode(), "only with the demo on");
    }

    private static HttpResponse<String> send(String sessionId, Optional<String> origin, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url("/sandbox/sessions/" + sessionId
                        + "/pay")))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString("{\"card_number\": \"4242424242424242\"}"));
        origin.ifPresent(value -> request.header("Origin", value));
        return server.send(request);
    }
}
