package coinpurse.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.OpenApiContract;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code GET /openapi.yaml} serves docs/openapi.yaml, an OpenAPI 3.1 document; the contract check catches what it should. */
class OpenApiDescriptionTest {
    private static final Path SOURCE = Path.of("docs/openapi.yaml");

    @RunningServer
    static TestServer server;

    @Test
    void servesTheBytesOfDocsOpenapiYamlWithoutCredentials() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.url("/openapi.yaml"))).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, response.statusCode());
        assertEquals("application/yaml", response.headers().firstValue("Content-Type").orElse(null));
        assertArrayEquals(Files.readAllBytes(SOURCE), response.body(), "GET /openapi.yaml differs from docs/openapi.yaml");
    }

    @Test
    void isAValidOpenApi31Document() throws IOException {
        JsonNode document = OpenApiContract.get().document();
        assertTrue(document.get("openapi").asString().matches("3\\.1\\.\\d+"), document.get("openapi").toString());

        Schema oas31;
        try (InputStream in = OpenApiDescriptionTest.class.getResourceAsStream("/oas/3.1/schema.json")) {
            oas31 = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
        List<Error> errors = oas31.validate(Files.readString(SOURCE), InputFormat.YAML);

        assertEquals(List.of(), errors, "docs/openapi.yaml against the OpenAPI 3.1 schema");
    }

    @Test
    void everyDescribedJsonSchemaCompilesAndEveryOperationHasAnId() {
        // OpenApiContract compiles each response schema when loaded: a broken $ref fails here.
        assertTrue(OpenApiContract.get().operations().size() >= 12);
        OpenApiContract.get().document().at("/paths").properties().forEach(path ->
                path.getValue().properties().forEach(operation ->
                        assertTrue(operation.getValue().has("operationId"), path.getKey() + " " + operation.getKey())));
    }

    // The contract check itself: each of these answers must be caught.

    @Test
    void anUndocumentedStatusIsCaught() {
        String problem = problem("GET", "/api/coins/balance", 418, "application/json",
                "{\"error\": \"teapot\", \"message\": \"No.\"}").orElseThrow();
        assertTrue(problem.contains("418") && problem.contains("GET /api/coins/balance"), problem);
    }

    @Test
    void aBodyThatDoesNotMatchItsSchemaIsCaught() {
        assertTrue(problem("GET", "/api/coins/balance", 200, "application/json",
                "{\"user_id\": \"u1\", \"balance\": \"12\"}").isPresent(), "balance as a string");
        assertTrue(problem("GET", "/api/coins/balance", 200, "application/json",
                "{\"user_id\": \"u1\", \"balance\": 12, \"extra\": 1}").isPresent(), "an undocumented field");
        assertTrue(problem("GET", "/api/payment/status/cs_1", 200, "application/json",
                "{\"status\": \"paid\", \"session_id\": \"cs_1\", \"coins_added\": null, \"new_balance\": null}")
                .isPresent(), "a status outside the enum");
        assertTrue(problem("POST", "/api/internal/coins/spend", 409, "application/json",
                "{\"error\": \"conflict\", \"message\": \"No.\"}").isPresent(), "an error code outside the enum");
        assertTrue(problem("GET", "/api/coins/history", 200, "application/json",
                "{\"entries\": [{\"id\": 1, \"delta\": 5, \"balance_after\": 5, \"reason\": \"grant\","
                        + " \"reference\": \"k\", \"created_at\": \"yesterday\"}], \"next_before\": null}")
                .isPresent(), "created_at not a date-time");
    }

    @Test
    void aWrongContentTypeOrAMissingRequiredHeaderIsCaught() {
        assertTrue(problem("GET", "/health", 200, "text/html",
                "{\"status\": \"ok\", \"db\": \"ok\", \"db_kind\": \"sqlite\", \"stripe\": \"configured\"}").isPresent());
        assertTrue(problem("POST", "/api/payment/create-checkout-session", 429, "application/json",
                "{\"error\": \"too_many_requests\", \"message\": \"Later.\"}").isPresent(), "429 without Retry-After");
    }

    @Test
    void documentedAnswersAndUnknownRoutesAnsweringTheErrorShapePass() {
        assertEquals(Optional.empty(), problem("GET", "/api/payment/status/cs_1", 200, "application/json",
                "{\"status\": \"completed\", \"session_id\": \"cs_1\", \"coins_added\": 550, \"new_balance\": 550}"));
        assertEquals(Optional.empty(), problem("POST", "/api/coins/transfer", 404, "application/json",
                "{\"error\": \"not_found\", \"message\": \"No such route: POST /api/coins/transfer\"}"));
        assertTrue(problem("POST", "/api/coins/transfer", 404, "text/html", "<html>").isPresent());
    }

    @Test
    void aRefusedPreflightMustBeOriginNotAllowedNamingTheSetting() {
        assertEquals(Optional.empty(), problem("OPTIONS", "/api/coins/balance", 403, "application/json",
                "{\"error\": \"origin_not_allowed\", \"message\": \"Add http://x.example to cors.allowed_origins.\"}"));
        assertTrue(problem("OPTIONS", "/api/coins/balance", 403, "application/json",
                "{\"error\": \"forbidden\", \"message\": \"cors.allowed_origins\"}").isPresent(), "another code");
        assertTrue(problem("OPTIONS", "/nowhere", 403, "application/json",
                "{\"error\": \"origin_not_allowed\", \"message\": \"No.\"}").isPresent(), "a message without the setting");
    }

    /** The checkout body is one of two whole objects, so that generated types are a union and not {@code unknown}. */
    @Test
    void theCheckoutBodyIsOneOfTwoClosedObjects() {
        JsonNode body = OpenApiContract.get().document().at("/components/schemas/CheckoutRequest");
        assertEquals(2, body.get("oneOf").size(), body.toString());
        for (JsonNode form : body.get("oneOf")) {
            JsonNode schema = OpenApiContract.get().document().at(form.get("$ref").asString().substring(1));
            assertEquals("object", schema.get("type").asString(), schema.toString());
            assertEquals(false, schema.get("additionalProperties").asBoolean(true), schema.toString());
            for (JsonNode required : schema.get("required")) {
                assertTrue(schema.get("properties").has(required.asString()), required + " in " + schema);
            }
        }
    }

    private static Optional<String> problem(String method, String path, int status, String contentType, String body) {
        return OpenApiContract.get().problem(method, path, status, contentType, Map.of("Content-Type", List.of(contentType)),
                body, OpenApiContract.Strictness.DOCUMENTED);
    }
}
