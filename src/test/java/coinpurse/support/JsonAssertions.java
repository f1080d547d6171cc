package coinpurse.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** Checks on the shape of the app's JSON answers. */
public final class JsonAssertions {

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
}
