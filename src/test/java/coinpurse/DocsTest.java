package coinpurse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The documents a newcomer reads must match what they describe. */
class DocsTest {
    private static final Path API = Path.of("docs/api.md");
    /** Where the project's contract lives beside a checkout (CI lays it there too). */
    private static final Path CONTRACT = Path.of("../shared/SPEC.md");

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
}
