package coinpurse.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import coinpurse.support.CliRun;
import coinpurse.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The checks every command that opens the database shares ({@link CommandDatabase}, {@link ErrorLine},
 * {@link LimitOption}): one wording, each command's own prefix and exit code.
 */
class SharedCommandChecksTest {
    @TempDir
    Path dir;

    /** Each refuses to open (and so create) a missing SQLite file, in the same words; none creates its folder. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "verify|verify could not run|2", "events|events could not run|2", "user u1|user could not run|2",
        "liability|liability could not run|2", "migrate|migrate failed|1", "reconcile|reconcile stopped|1",
        "backup BACKUP|backup failed|1", "copy-db --to jdbc:postgresql://127.0.0.1:1/x|copy-db failed|1"})
    void aMissingDatabaseIsOneLineInTheSameWordsForEveryCommand(String command, String what, int exit)
            throws IOException {
        Path missing = dir.resolve("nowhere/coinpurse.db");
        Path config = Files.writeString(dir.resolve("missing.properties"), "db.path=" + missing
                + "\nauth.jwt_secret=" + TestServer.JWT_SECRET + "\nstripe.secret_key=sk_test_shared_checks\n", UTF_8);
        List<String> args = new ArrayList<>();
        for (String word : command.split(" ")) {
            args.add(word.equals("BACKUP") ? dir.resolve("copy.db").toString() : word);
        }
        args.addAll(List.of("--config", config.toString()));

        CliRun run = CliRun.run(args.toArray(String[]::new));

        assertEquals(exit, run.exit(), run.out() + run.err());
        assertEquals("coinpurse: " + what + ": no database at " + missing.toAbsolutePath()
                + " (check db.path and the working directory)", run.err().strip());
        assertFalse(Files.exists(missing.getParent()), "nothing was created");
    }

    @ParameterizedTest
    @ValueSource(strings = {"events", "user"})
    void aLimitBelowOneIsAUsageError(String command) throws IOException {
        Path config = Files.writeString(dir.resolve("c.properties"), "db.path=" + dir.resolve("c.db") + "\n", UTF_8);
        List<String> args = new ArrayList<>(List.of(command));
        if (command.equals("user")) {
            args.add("u1");
        }
        args.addAll(List.of("--limit", "0", "--config", config.toString()));

        CliRun run = CliRun.run(args.toArray(String[]::new));

        assertEquals(2, run.exit(), run.out() + run.err());
        assertEquals("", run.out());
        assertEquals("--limit must be at least 1", run.err().lines().findFirst().orElse(""));
        assertFalse(Files.exists(dir.resolve("c.db")), "checked before the database is opened");
    }
}
