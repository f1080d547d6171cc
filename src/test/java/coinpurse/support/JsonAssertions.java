package coinpurse.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.RawHttp.Answer;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Checks on the shape of the app's JSON answers. */
public final class JsonAssertions {
    /**
     * Every status the SPEC may answer, and the three HTTP itself defines for requests Jetty
     * refuses before the app (URI too long, an Expect it cannot meet, headers too large).
     */
    private static final Set<Integer> SPEC_STATUSES = Set.of(200, 400, 401, 404, 405, 409, 413, 414, 415, 417, 429, 431);
    /**
     * Words that only a stack trace, an SQL error or a framework's page would put in a body.
     * (Not a bare "sql": {@code /health} names its backend, {@code "db_kind": "sqlite"}.)
     */
    private static final List<String> LEAKS = List.of(
            "exception", "at coinpurse", "sqlite_", "sql error", "sqlstate", "syntax error", "psql", "select ",
            "insert into", "org.", "java.", "jetty", "javalin", "<html", "\tat ");
    /** JSON as the SPEC means it: a duplicate key or anything after the value is not JSON. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonAssertions() {}

    /** The names of {@code node}'s fields, in the order they were sent. */
    public static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * The app's JSON error: a JSON Content-Type and a body of exactly {@code error} and
     * {@code message}, both non-blank text. Returns the body for further checks.
     */
    public static JsonNode assertJsonError(HttpResponse<String> response) {
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().toString());
        JsonNode body = TestServer.json(response);
        assertEquals(List.of("error", "message"), fieldNames(body), response.body());
        assertTrue(body.get("error").isTextual() && !body.get("error").asText().isBlank(), response.body());
        assertTrue(body.get("message").isTextual() && !body.get("message").asText().isBlank(), response.body());
        return body;
    }

    /**
     * The SPEC's error: the status, a JSON body of exactly {@code error} (this code) and a
     * non-blank {@code message}, and nothing a client should not see.
     */
    public static void assertError(HttpResponse<String> response, int status, String code) {
        String body = response.body();
        assertEquals(status, response.statusCode(), body);
        assertEquals(code, assertJsonError(response).get("error").asText(), body);
        for (String leak : List.of("Exception", "SQL", "at coinpurse", "at io.javalin", "at org.",
                TestServer.WEBHOOK_SECRET, "whsec_", "processed_events", "payment_sessions", "coin_ledger")) {
            assertFalse(body.contains(leak), "\"" + leak + "\" leaked into " + body);
        }
    }

    /**
     * Whatever was sent: not a 5xx, a SPEC status, nosniff, no Server version, nothing internal in
     * the body, and an error that is exactly {@code {"error", "message"}} as application/json.
     * {@code requestText} is what was sent: a word the client itself sent may come back in an
     * echo ("No such route: GET /java.lang"), so only words it did not send count as leaks.
     */
    public static void assertSpecAnswer(Answer answer, String requestText) {
        String context = answer + "\nfor: " + RawHttp.clip(requestText);
        assertTrue(answer.status() < 500, "a 5xx: " + context);
        assertTrue(SPEC_STATUSES.contains(answer.status()), "not a SPEC status: " + context);
        assertEquals("nosniff", answer.header("x-content-type-options"), "nosniff: " + context);
        String serverHeader = answer.header("server");
        assertTrue(serverHeader == null || !serverHeader.matches(".*(\\d|[Jj]etty).*"), "Server: " + serverHeader);

        String sent = requestText.toLowerCase(Locale.ROOT);
        String body = answer.body().toLowerCase(Locale.ROOT);
        for (String leak : LEAKS) {
            if (!sent.contains(leak)) {
                assertFalse(body.contains(leak), "'" + leak + "' in the body: " + context);
            }
        }
        if (answer.status() >= 400 && !answer.headOnly()) {
            assertTrue(answer.header("content-type") != null && answer.header("content-type").startsWith("application/json"),
                    "error Content-Type: " + context);
            JsonNode error = strictJson(answer);
            assertEquals(List.of("error", "message"), fieldNames(error), context);
            assertTrue(error.get("error").isTextual() && !error.get("error").asText().isBlank(), context);
            assertTrue(error.get("message").isTextual() && !error.get("message").asText().isBlank(), context);
        } else if (!answer.body().isEmpty()) {
            assertTrue(answer.header("content-type") != null && answer.header("content-type").startsWith("application/json"),
                    "Content-Type: " + context);
            strictJson(answer);
        }
    }

    /** The answer's body as JSON, refusing duplicate keys and trailing tokens. */
    public static JsonNode strictJson(Answer answer) {
        try {
            return STRICT.readTree(answer.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + answer, e);
        }
    }

    /** {@code text} as a JSON string literal. */
    public static String quote(String text) {
        try {
            return STRICT.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
