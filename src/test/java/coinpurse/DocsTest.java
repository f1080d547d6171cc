package coinpurse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The documents a newcomer reads must match what they describe. */
class DocsTest {
    private static final Path API = Path.of("docs/api.md");
    /** Where the project's contract lives beside a checkout (CI lays it there too). */
    private static final Path CONTRACT = Path.of("../shared/SPEC.md");
    /** A Markdown link or image: {@code [text](target)}. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");

    @Test
    void theApiDocumentIsTheContractWordForWord() throws IOException {
        List<String> api = Files.readAllLines(API);
        assertTrue(api.get(0).startsWith("# coinpurse"), api.get(0));
        if (Files.isRegularFile(CONTRACT)) {
            List<String> contract = Files.readAllLines(CONTRACT);
            assertEquals(contract.subList(1, contract.size()), api.subList(1, api.size()),
                    "docs/api.md differs from ../shared/SPEC.md below its title: copy the contract again");
        } else {
            // Without the contract beside the checkout, at least every route it fixes is documented.
            String text = String.join("\n", api);
            for (String route : List.of("GET /api/payment/packages", "POST /api/payment/create-checkout-session",
                    "GET /api/payment/status/{session_id}", "POST /api/payment/webhook", "GET /api/coins/balance",
                    "GET /api/coins/history", "POST /api/internal/coins/spend", "GET /health")) {
                assertTrue(text.contains(route), route);
            }
        }
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
