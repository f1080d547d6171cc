package coinpurse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import coinpurse.support.Toolchains;
import coinpurse.support.Toolchains.Ran;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Vue + TypeScript client gets from the description: openapi-typescript 7 (pinned in
 * src/test/node/package.json) on a running server's {@code GET /openapi.yaml}, then
 * {@code tsc --strict} on the files of src/test/node/typecheck. Both forms of the checkout body
 * type-check; a misspelt one does not (with {@code anyOf} of bare required lists the type was
 * {@code unknown}, and anything passed).
 */
class OpenApiTypeScriptTest {
    private static final Path TYPECHECK = Toolchains.NODE_PACKAGES.resolve("typecheck");
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(2);
    private static final String MUST_FAIL = "// must not type-check";

    @RunningServer
    static TestServer server;

    @Test
    void theGeneratedTypesAcceptBothCheckoutFormsAndRejectAMisspeltBody(@TempDir Path dir) throws IOException {
        generateTypes(dir);
        for (String file : List.of("checkout-ok.ts", "checkout-misspelt.ts")) {
            Files.copy(TYPECHECK.resolve(file), dir.resolve(file));
        }

        Ran ok = tsc(dir, "checkout-ok.ts");
        assertEquals(0, ok.exit(), "both forms of the body must type-check:\n" + ok.output());

        Ran misspelt = tsc(dir, "checkout-misspelt.ts");
        assertEquals(2, misspelt.exit(), "tsc must report errors in checkout-misspelt.ts:\n" + misspelt.output());
        assertTrue(misspelt.output().contains("'pakage_id' does not exist"), misspelt.output());
        assertEquals(linesMarkedToFail(dir.resolve("checkout-misspelt.ts")), linesWithErrors(misspelt.output()),
                "each marked line, and only those, must fail:\n" + misspelt.output());
    }

    /** coinpurse.d.ts in {@code dir}, generated from what the running server serves. */
    private static void generateTypes(Path dir) {
        Toolchains.run(dir, Map.of(), TOOL_TIMEOUT, Toolchains.npmBin("openapi-typescript"),
                server.url("/openapi.yaml"), "-o", dir.resolve("coinpurse.d.ts").toString())
                .requireSuccess("openapi-typescript on GET /openapi.yaml");
        assertTrue(Files.isRegularFile(dir.resolve("coinpurse.d.ts")));
    }

    private static Ran tsc(Path dir, String file) {
        return Toolchains.run(dir, Map.of(), TOOL_TIMEOUT, Toolchains.npmBin("tsc"), "--strict", "--noEmit",
                "--pretty", "false", file);
    }

    private static TreeSet<Integer> linesMarkedToFail(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return IntStream.range(0, lines.size()).filter(i -> lines.get(i).endsWith(MUST_FAIL)).map(i -> i + 1)
                .collect(TreeSet::new, TreeSet::add, TreeSet::addAll);
    }

    private static TreeSet<Integer> linesWithErrors(String output) {
        TreeSet<Integer> lines = new TreeSet<>();
        Matcher error = Pattern.compile("(?m)^checkout-misspelt\\.ts\\((\\d+),\\d+\\): error TS").matcher(output);
        while (error.find()) {
            lines.add(Integer.parseInt(error.group(1)));
        }
        return lines;
    }
}
