package coinpurse.http;

import static coinpurse.support.JsonAssertions.assertJsonError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import coinpurse.support.WebhookSigner;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JSON route's POST must say {@code Content-Type: application/json}, else 415 and nothing done:
 * with cookie auth, that is what keeps a cross-site form (which can only send a form or
 * {@code text/plain}) from buying in the user's name. The webhook reads whatever Stripe sends.
 */
class JsonContentTypeTest {
    private static final String CREATE = "/api/payment/create-checkout-session";
    private static final String SPEND = "/api/internal/coins/spend";
    private static final String GRANT = "/api/internal/coins/grant";
    private static final String COOKIE = "cp_token";
    private static final String API_KEY = "content-type-test-key-0123456789";
    private static final String POPULAR = "{\"package_id\":\"popular\"}";
    private static final AtomicInteger USERS = new AtomicInteger();

    @RunningServer(env = {"AUTH_COOKIE_NAME=" + COOKIE, "INTERNAL_API_KEY=" + API_KEY})
    static TestServer server;

    /** What a cross-site {@code <form method=post>} can send, each with the user's cookie attached. */
    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"})
    void aCrossSiteFormPostWithTheCookieIs415AndCreatesNoSession(String contentType) {
        String user = user("ct-form");
        int stripeCallsBefore = server.stripe().createRequests().size();

        HttpResponse<String> response = server.send(withCookie(user, contentType));

        assertUnsupportedMediaType(response);
        assertEquals(stripeCallsBefore, server.stripe().createRequests().size(), "no Checkout Session at Stripe");
        assertEquals(0, server.queryLong("SELECT COUNT(*) FROM payment_sessions WHERE user_id = ?", user));
        assertEquals(0, server.queryLong("SELECT COUNT(*) FROM users WHERE id = ?", user));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8",
        "application/json ; charset=utf-8"})
    void theSamePostAsApplicationJsonCreatesTheSession(String contentType) {
        String user = user("ct-json");

        HttpResponse<String> response = server.send(withCookie(user, contentType));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, server.stripe().createRequests().stream()
                .filter(sent -> user.equals(sent.get("client_reference_id"))).count());
        assertEquals(1, server.queryLong("SELECT COUNT(*) FROM payment_sessions WHERE user_id = ?", user));
    }

    @Test
    void aPostWithoutAContentTypeIs415() {
        String user = user("ct-none");
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.url(CREATE)))
                .header("Authorization", "Bearer " + server.token(user))
                .POST(HttpRequest.BodyPublishers.ofString(POPULAR)));

        assertUnsupportedMediaType(response);
        assertEquals(0, server.queryLong("SELECT COUNT(*) FROM payment_sessions WHERE user_id = ?", user));
    }

    /** Only application/json itself: neither its +json relatives nor look-alikes. */
    @ParameterizedTest
    @ValueSource(strings = {"text/json", "application/merge-patch+json", "application/jsonp", "application/json-seq",
        "*/*", "application/*", ";charset=utf-8"})
    void otherMediaTypesAre415(String contentType) {
        String user = user("ct-other");
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.url(CREATE)))
                .header("Authorization", "Bearer " + server.token(user))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(POPULAR)));

        assertUnsupportedMediaType(response);
        assertEquals(0, server.queryLong("SELECT COUNT(*) FROM payment_sessions WHERE user_id = ?", user));
    }

    @ParameterizedTest
    @ValueSource(strings = {GRANT, SPEND})
    void anInternalWalletPostAsTextPlainIs415AndWritesNothing(String path) {
        String user = user("ct-internal");
        String body = "{\"user_id\": \"" + user + "\", \"amount\": 5, \"idempotency_key\": \"" + user + "\"}";

        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.url(path)))
                .header("Authorization", "Bearer " + API_KEY)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body)));

        assertUnsupportedMediaType(response);
        assertEquals(0, server.queryLong("SELECT COUNT(*) FROM users WHERE id = ?", user));
        assertEquals(0, server.queryLong("SELECT COUNT(*) FROM coin_ledger WHERE user_id = ?", user));
    }

    @Test
    void theWebhookStillReadsAnyContentType() {
        String user = user("ct-webhook");
        String session = server.checkout(server.token(user), "popular");
        String event = server.paidEvent(session);

        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.url("/api/payment/webhook")))
                .header("Content-Type", "text/plain")
                .header("Stripe-Signature", WebhookSigner.sign(event, TestServer.WEBHOOK_SECRET))
                .POST(HttpRequest.BodyPublishers.ofString(event)));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("completed", server.storedStatus(session));
    }

    // ---- helpers ----

    private static String user(String prefix) {
        return prefix + "-" + USERS.incrementAndGet();
    }

    /** The create-checkout-session POST a page elsewhere could make: only the cookie, no Authorization. */
    private static HttpRequest.Builder withCookie(String user, String contentType) {
        return HttpRequest.newBuilder(URI.create(server.url(CREATE)))
                .header("Cookie", COOKIE + "=" + server.token(user))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(POPULAR));
    }

    private static void assertUnsupportedMediaType(HttpResponse<String> response) {
        assertEquals(415, response.statusCode(), response.body());
        assertEquals("unsupported_media_type", assertJsonError(response).get("error").asText());
    }
}
