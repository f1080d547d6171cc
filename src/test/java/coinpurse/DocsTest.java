package coinpurse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.OpenApiContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The documents a newcomer reads must match what they describe. docs/api.md is the integrators'
 * reference, written for them; what it must not miss is checked against docs/openapi.yaml, which
 * the OpenAPI tests hold to the running server.
 */
class DocsTest {
    private static final Path API = Path.of("docs/api.md");

    @Test
    void theApiReferenceNamesEveryRouteTheDescriptionHas() throws IOException {
        String api = Files.readString(API);
        Set<String> missing = new TreeSet<>();
        for (OpenApiContract.Operation op : OpenApiContract.get().operations()) {
            String route = op.method().toUpperCase(Locale.ROOT) + " " + op.template();
            if (!api.contains("`" + route)) {
                missing.add(route);
            }
        }
        assertEquals(Set.of(), missing, "routes docs/openapi.yaml describes that docs/api.md does not name");
    }

    @Test
    void theApiReferenceExplainsEveryErrorCodeTheDescriptionHas() throws IOException {
        String api = Files.readString(API);
        Set<String> missing = new TreeSet<>();
        for (JsonNode schema : OpenApiContract.get().document().at("/components/schemas").values()) {
            JsonNode error = schema.path("properties").path("error");
            List<JsonNode> codes = error.has("const") ? List.of(error.get("const")) : error.path("enum").valueStream().toList();
            for (JsonNode code : codes) {
                if (!api.contains("`" + code.asString() + "`")) {
                    missing.add(code.asString());
                }
            }
        }
        assertTrue(missing.isEmpty(), "error codes of docs/openapi.yaml that docs/api.md does not explain: " + missing);
    }

    @Test
    void theReadmeStaysShortAndLinksOnlyInsideTheRepository() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        assertTrue(readme.size() <= 200, "README.md has " + readme.size() + " lines; move details to docs/");
        for (String line : readme) {
            assertTrue(!line.contains("../shared"), "README.md links outside the repository: " + line);
        }
    }
}
