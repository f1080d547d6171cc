package coinpurse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.config.Config;
import coinpurse.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The VPS guide (docs/operations.md "Deploying on a VPS") and deploy/ describe one layout: the jar
 * in /opt/coinpurse, settings and secrets in /etc/coinpurse, data in /var/lib/coinpurse; and the
 * server, the reconcile timer and the operator commands all run with the same settings and secrets.
 * (systemd-analyze checks the units themselves, in .ci/run; the guide was tried by hand as root.)
 */
class DeployTest {
    private static final Path DEPLOY = Path.of("deploy");
    private static final String JAR = "-jar /opt/coinpurse/coinpurse.jar";
    private static final String CONFIG = "--config /etc/coinpurse/config.properties";
    private static final List<String> RUNNERS = List.of("coinpurse.service", "coinpurse-reconcile.service", "coinpurse");
    private static final List<String> UNITS = List.of("coinpurse.service", "coinpurse-reconcile.service");

    @Test
    void theInstalledConfigLoadsAndNamesTheDatabaseByAnAbsolutePath() {
        Config config = ConfigLoader.load(Optional.of(DEPLOY.resolve("config.properties")), Map.of());

        assertEquals(Path.of("/var/lib/coinpurse/coinpurse.db"), config.dbPath());
        assertEquals("127.0.0.1", config.serverHost());
    }

    @Test
    void theServerTheTimerAndTheOperatorCommandsRunTheInstalledJarWithTheInstalledConfig() throws IOException {
        for (String runner : RUNNERS) {
            String text = read(runner);
            assertTrue(text.contains(JAR) && text.contains(CONFIG), runner + " runs " + JAR + " with " + CONFIG);
            assertTrue(text.contains("/etc/coinpurse/secrets.env"), runner + " reads the secrets");
            assertTrue(text.contains("/var/lib/coinpurse"), runner + " works in the state directory");
        }
        for (String unit : UNITS) {
            String text = read(unit);
            assertTrue(text.contains("\nUser=coinpurse\n") && text.contains("\nEnvironmentFile=-/etc/coinpurse/secrets.env\n"),
                    unit);
            // A setting in Environment= would reach the server and not the operator commands (DB_PATH did).
            assertFalse(text.contains("\nEnvironment="), unit + " sets a key outside config.properties");
        }
        assertTrue(read("coinpurse").contains("runuser -u coinpurse"), "the operator commands run as the service's user");
        assertTrue(read("coinpurse-reconcile.timer").contains("OnCalendar="), "the timer runs reconcile on a schedule");
    }

    @Test
    void noUnitPointsAtDocumentationThatIsNeverInstalled() throws IOException {
        for (String unit : List.of("coinpurse.service", "coinpurse-reconcile.service", "coinpurse-reconcile.timer")) {
            assertFalse(read(unit).contains("Documentation=file:"), unit);
        }
    }

    @Test
    void theGuideInstallsEveryDeployFileAndKnowsNoOtherLayout() throws IOException {
        String operations = Files.readString(Path.of("docs/operations.md"));
        String guide = operations.substring(operations.indexOf("## Deploying on a VPS"));
        guide = guide.substring(0, guide.indexOf("\n## ", 1));
        try (Stream<Path> files = Files.list(DEPLOY)) {
            for (Path file : files.toList()) {
                assertTrue(guide.contains("deploy/" + file.getFileName()), "the guide installs " + file);
            }
        }
        Matcher named = Pattern.compile("deploy/[a-z.-]+[a-z]").matcher(operations);
        while (named.find()) {
            assertTrue(Files.isRegularFile(Path.of(named.group())), "operations.md names " + named.group());
        }
        assertFalse(operations.contains("/srv/coinpurse"), "operations.md still uses another layout (/srv/coinpurse)");
        for (String line : operations.lines().filter(l -> l.matches("^[0-9*/]+ [0-9*/]+ \\* \\* \\* .*")).toList()) {
            assertTrue(line.contains(" /usr/local/bin/coinpurse "), "a cron line runs the operator command: " + line);
        }
    }

    private static String read(String name) throws IOException {
        return Files.readString(DEPLOY.resolve(name));
    }
}
