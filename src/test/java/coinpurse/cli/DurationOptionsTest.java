package coinpurse.cli;

import static coinpurse.support.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.CliRun;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** One duration syntax for every option that takes one: {@code token --ttl 1h} as {@code events --since 24h}. */
class DurationOptionsTest {

    @ParameterizedTest
    @CsvSource({"90s, PT90S", "30m, PT30M", "1h, PT1H", "2d, PT48H", "PT1H, PT1H", "pt15m, PT15M"})
    void eachFormReadsAsItsDuration(String written, String meant) {
        assertEquals(Duration.parse(meant), new DurationConverter().convert(written));
    }

    @Test
    void everyDurationOptionUsesTheOneConverterAndSaysWhichFormsItTakes() {
        List<OptionSpec> durations = new ArrayList<>();
        collect(new CommandLine(new CoinpurseCommand()), durations);

        assertEquals(List.of("token --ttl", "reconcile --since", "events --since"),
                durations.stream().map(o -> o.command().name() + " " + o.longestName()).toList());
        for (OptionSpec option : durations) {
            String name = option.command().name() + " " + option.longestName();
            assertTrue(Arrays.stream(option.converters()).anyMatch(DurationConverter.class::isInstance), name);
            assertTrue(String.join(" ", option.description()).contains(DurationConverter.FORMS), name);
        }
    }

    @Test
    void aTokenLivesForOneHourWithTtl1h(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.properties"),
                "auth.jwt_secret=duration-options-test-secret-long-enough\ndb.path=" + dir.resolve("db/c.db") + "\n");

        CliRun run = run("token", "42", "--ttl", "1h", "--config", config.toString());

        assertEquals(0, run.exit(), run.err());
        JWTClaimsSet claims = SignedJWT.parse(run.out().strip()).getJWTClaimsSet();
        assertEquals(Duration.ofHours(1),
                Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()));
    }

    @Test
    void aMalformedDurationNamesTheFormsAndPrintsNoToken(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.properties"),
                "auth.jwt_secret=duration-options-test-secret-long-enough\n");

        CliRun run = run("token", "42", "--ttl", "1 hour", "--config", config.toString());

        assertEquals(2, run.exit());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("Invalid value for option '--ttl': '1 hour' is not a duration: write "
                + DurationConverter.FORMS), run.err());
        assertFalse(Files.exists(dir.resolve("data")), "nothing was created");
    }

    private static void collect(CommandLine command, List<OptionSpec> durations) {
        command.getCommandSpec().options().stream()
                .filter(option -> option.type() == Duration.class)
                .forEach(durations::add);
        command.getSubcommands().values().forEach(sub -> collect(sub, durations));
    }
}
