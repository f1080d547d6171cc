package coinpurse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import coinpurse.support.Toolchains;
import coinpurse.support.Toolchains.Ran;
import com.nimbusds.jose.JWSAlgorithm;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/api.md's "Minting user tokens" examples, taken from the document itself (the fenced block
 * whose info string names the file) and run as written: each prints a token for user 42 signed
 * with the secret in {@code AUTH_JWT_SECRET}, and a running server accepts it. The toolchains are
 * installed when missing (Node.js and jose from src/test/node, Debian's python3-jwt), else the
 * test fails: none is skipped.
 */
class TokenMintingDocsTest {
    private static final Path API = Path.of("docs/api.md");
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);
    private static final Map<String, String> ENV = Map.of("AUTH_JWT_SECRET", TestServer.JWT_SECRET);

    @RunningServer
    static TestServer server;

    @Test
    void theNodeExampleWithJoseMintsATokenTheServerAccepts(@TempDir Path dir) throws IOException {
        Path script = writeExample(dir, "js", "mint-token.mjs");
        // The example imports "jose" as an app would: node looks for node_modules beside the script.
        Files.createSymbolicLink(dir.resolve("node_modules"), Toolchains.nodeModules());

        Ran ran = Toolchains.run(dir, ENV, RUN_TIMEOUT, "node", script.getFileName().toString());

        assertAcceptedForUser42(ran.requireSuccess("node mint-token.mjs"));
    }

    @Test
    void thePythonExampleWithPyJwtMintsATokenTheServerAccepts(@TempDir Path dir) throws IOException {
        Path script = writeExample(dir, "python", "mint_token.py");

        Ran ran = Toolchains.run(dir, ENV, RUN_TIMEOUT, Toolchains.pythonWithPyJwt(), script.getFileName().toString());

        assertAcceptedForUser42(ran.requireSuccess("python3 mint_token.py"));
    }

    @Test
    void theJavaExampleWithNimbusMintsATokenTheServerAccepts(@TempDir Path dir) throws IOException, URISyntaxException {
        Path source = writeExample(dir, "java", "CoinpurseToken.java");
        String nimbus = Path.of(JWSAlgorithm.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = javac.run(null, null, null, "-classpath", nimbus, "-d", dir.toString(), source.toString());
        assertEquals(0, compiled, "docs/api.md's CoinpurseToken.java does not compile against nimbus-jose-jwt");

        Ran ran = Toolchains.run(dir, ENV, RUN_TIMEOUT, Toolchains.java(), "-cp",
                dir + java.io.File.pathSeparator + nimbus, "CoinpurseToken");

        assertAcceptedForUser42(ran.requireSuccess("java CoinpurseToken"));
    }

    /** The fenced block of docs/api.md whose info string is {@code language file}, written to {@code dir/file}. */
    private static Path writeExample(Path dir, String language, String file) throws IOException {
        String doc = Files.readString(API);
        Matcher block = Pattern.compile("(?ms)^```" + Pattern.quote(language) + " " + Pattern.quote(file) + "\\n(.*?)^```$")
                .matcher(doc);
        if (!block.find()) {
            fail("docs/api.md has no ```" + language + " " + file + " block under \"Minting user tokens\"");
        }
        int section = doc.indexOf("### Minting user tokens");
        assertTrue(section >= 0 && block.start() > section, file + " is not in the section \"Minting user tokens\"");
        Path written = dir.resolve(file);
        Files.writeString(written, block.group(1));
        return written;
    }

    private static void assertAcceptedForUser42(Ran ran) {
        List<String> lines = ran.output().strip().lines().toList();
        String token = lines.get(lines.size() - 1).strip();

        HttpResponse<String> balance = server.get("/api/coins/balance", token);

        assertEquals(200, balance.statusCode(), "the example's token was refused: " + balance.body() + "\n" + ran.output());
        assertEquals("42", TestServer.json(balance).get("user_id").asText());
    }
}
