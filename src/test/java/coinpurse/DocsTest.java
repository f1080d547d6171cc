package coinpurse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.OpenApiContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The documents a newcomer reads must match what they describe. docs/api.md is the integrators'
 * reference, written for them; what it must not miss is checked against docs/openapi.yaml, which
 * the OpenAPI tests hold to the running server.
 */
class DocsTest {
    private static final Path API = Path.of("docs/api.md");
    /** A Markdown link or image: {@code [text](target)}. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");

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

    @Test
    void everyRelativeLinkInTheDocsLeadsToAFileAndHeadingThatExist() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        List<String> broken = new ArrayList<>();
        for (Path document : documents) {
            for (String target : relativeLinks(document)) {
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path linked = file.isEmpty() ? document : document.resolveSibling(file).normalize();
                if (!Files.exists(linked)) {
                    broken.add(document + ": " + target + " (no such file)");
                } else if (hash >= 0 && linked.toString().endsWith(".md")
                        && !anchors(linked).contains(target.substring(hash + 1))) {
                    broken.add(document + ": " + target + " (no such heading)");
                }
            }
        }
        assertEquals(List.of(), broken, "links that lead nowhere");
    }

    /** The targets of the document's links that stay inside the repository, outside code blocks and spans. */
    private static List<String> relativeLinks(Path document) throws IOException {
        List<String> targets = new ArrayList<>();
        boolean inCode = false;
        for (String line : Files.readAllLines(document)) {
            if (line.strip().startsWith("```")) {
                inCode = !inCode;
                continue;
            }
            if (inCode) {
                continue;
            }
            Matcher link = LINK.matcher(CODE_SPAN.matcher(line).replaceAll(""));
            while (link.find()) {
                String target = link.group(1);
                if (!target.matches("(?i)(https?|mailto):.*")) {
                    targets.add(target);
                }
            }
        }
        return targets;
    }

    /** The anchors GitHub gives the document's headings: lower case, punctuation dropped, spaces as '-'. */
    private static Set<String> anchors(Path document) throws IOException {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inCode = false;
        for (String line : Files.readAllLines(document)) {
            if (line.strip().startsWith("```")) {
                inCode = !inCode;
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (inCode || !heading.matches()) {
                continue;
            }
            String slug = heading.group(1).toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "")
                    .replace(' ', '-');
            int repeats = seen.merge(slug, 1, Integer::sum) - 1;
            anchors.add(repeats == 0 ? slug : slug + "-" + repeats);
        }
        return anchors;
    }
}
