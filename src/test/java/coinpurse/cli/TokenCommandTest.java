package coinpurse.cli;

import static coinpurse.support.CliRun.run;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.Main;
import coinpurse.auth.TokenService;
import coinpurse.support.CliRun;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code coinpurse token USER_ID}, run in-process through {@link Main#run}. */
class TokenCommandTest {
    private static final String SECRET = "token-command-test-secret-long-enough-for-hs256";

    @Test
    void theTokenIsSignedWithTheConfiguredSecretForTheGivenUser(@TempDir Path dir) throws Exception {
        Path config = writeConfig(dir, "db.path=" + dir.resolve("db/coinpurse.db") + "\nauth.jwt_secret=" + SECRET + "\n");

        CliRun run = run("token", "42", "--config", config.toString());

        assertEquals(0, run.exit(), run.err());
        assertEquals(1, run.outLines().size(), run.out());
        String token = run.outLines().get(0);
        assertEquals(Optional.of("42"), new TokenService(SECRET).verify(token));
        assertEquals(Optional.empty(), new TokenService(SECRET + "-other").verify(token));
        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals(JWSAlgorithm.HS256, jwt.getHeader().getAlgorithm());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertEquals("42", claims.getSubject());
        assertTrue(jwt.getPayload().toJSONObject().get("sub") instanceof String, "sub is a JSON string");
        assertTrue(claims.getExpirationTime().toInstant().isAfter(Instant.now().plus(Duration.ofHours(23))));
        assertFalse(Files.exists(dir.resolve("db/jwt-secret")), "a configured secret needs no generated file");
    }

    @Test
    void withoutASecretOneIsGeneratedBesideTheDatabaseOwnerOnlyAndReusedByTheNextRun(@TempDir Path dir)
            throws Exception {
        Path config = writeConfig(dir, "db.path=" + dir.resolve("data/coinpurse.db") + "\n");
        Path secretFile = dir.resolve("data/jwt-secret");

        CliRun first = run("token", "42", "--config", config.toString());

        assertEquals(0, first.exit(), first.err());
        assertTrue(Files.isRegularFile(secretFile), "the secret file is beside the database");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile)));
        String secret = Files.readString(secretFile, UTF_8).trim();
        assertTrue(secret.getBytes(UTF_8).length >= 32, "at least 256 bits");
        assertTrue(first.err().contains("auth.jwt_secret"), "a warning says the secret is generated: " + first.err());
        assertFalse(first.out().contains(secret) || first.err().contains(secret), "the secret is never printed");

        CliRun second = run("token", "43", "--config", config.toString());

        assertEquals(0, second.exit(), second.err());
        assertEquals(secret, Files.readString(secretFile, UTF_8).trim(), "the second run reuses the file");
        TokenService tokens = new TokenService(secret);
        assertEquals(Optional.of("42"), tokens.verify(first.outLines().get(0)));
        assertEquals(Optional.of("43"), tokens.verify(second.outLines().get(0)));
        try (var files = Files.list(secretFile.getParent())) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(),
                    "no temp file is left behind");
        }
    }

    /** What the server would refuse in a token's sub: blank, too long, or any control character (NUL above all). */
    @ParameterizedTest
    @ValueSource(strings = {"", " ", "nul\u0000", "new\nline", "tab\t", "esc\u001b", "del\u007f", "lone\ud800"})
    void aUserIdTheServerWouldRefuseIsRefusedWithNoToken(String userId, @TempDir Path dir) throws Exception {
        Path config = writeConfig(dir, "db.path=" + dir.resolve("db/coinpurse.db") + "\nauth.jwt_secret=" + SECRET + "\n");

        CliRun run = run("token", userId, "--config", config.toString());

        assertEquals(2, run.exit(), run.err());
        assertEquals("", run.out(), "no token is printed");
        assertTrue(run.err().contains("USER_ID"), run.err());
    }

    @Test
    void aUserIdOf129CharactersIsRefusedAnd128Accepted(@TempDir Path dir) throws Exception {
        Path config = writeConfig(dir, "db.path=" + dir.resolve("db/coinpurse.db") + "\nauth.jwt_secret=" + SECRET + "\n");

        assertEquals(2, run("token", "u".repeat(129), "--config", config.toString()).exit());
        CliRun accepted = run("token", "u".repeat(128), "--config", config.toString());
        assertEquals(0, accepted.exit(), accepted.err());
        assertEquals(Optional.of("u".repeat(128)), new TokenService(SECRET).verify(accepted.outLines().get(0)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "server.port | server.port=http",
        "ratelimit.checkout_per_minute | ratelimit.checkout_per_minute=0",
        "auth.jwt_secret | auth.jwt_secret=tooshort-hunter2",
        "stripe.secret_key | stripe.secret_key=pk_test_publishable"
    })
    void aBadConfigValueExitsNonZeroWithOneLineNamingTheKey(String key, String line, @TempDir Path dir)
            throws Exception {
        String secretLine = key.equals("auth.jwt_secret") ? "" : "auth.jwt_secret=" + SECRET + "\n";
        Path config = writeConfig(dir, "db.path=" + dir.resolve("db/coinpurse.db") + "\n" + secretLine + line + "\n");

        CliRun run = run("token", "42", "--config", config.toString());

        assertNotEquals(0, run.exit());
        assertEquals("", run.out(), "no token is printed");
        List<String> errLines = run.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, errLines.size(), run.err());
        assertTrue(errLines.get(0).contains(key), errLines.get(0));
        assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
        String value = line.substring(line.indexOf('=') + 1);
        if (key.contains("secret")) {
            assertFalse(run.err().contains(value), "a secret's value never appears: " + run.err());
        }
        assertFalse(Files.exists(dir.resolve("db")), "nothing was created for a config that does not load");
    }

    // ---- helpers ----

    private static Path writeConfig(Path dir, String text) throws IOException {
        Path file = dir.resolve("coinpurse.properties");
        Files.writeString(file, text, UTF_8);
        return file;
    }
}
