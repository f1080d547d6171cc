package coinpurse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The command lines that Main serves without picocli, and those it leaves to picocli. */
class ServeLineTest {

    @Test
    void noArgumentsAndServeServeWithTheDefaultSettings() {
        assertNull(ServeLine.parse().orElseThrow().file);
        assertNull(ServeLine.parse("serve").orElseThrow().file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--config|my.properties", "--config=my.properties", "serve|--config|my.properties",
        "serve|--config=my.properties"})
    void configFileFormsServeWithThatFile(String line) {
        assertEquals(Path.of("my.properties"), ServeLine.parse(line.split("\\|")).orElseThrow().file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "--version", "-V", "serve|--help", "serve|-h", "token|42", "reconcile",
        "backup|copy.db", "--config", "--config=", "--config|-h", "--config|--help", "--config|@args.txt",
        "--config=@args.txt", "--config|serve", "--config|token", "--config|a|serve", "serve|serve",
        "serve|--config", "--config|a|--config|b", "--conf|a", "-c|a", "unknown"})
    void everythingElseIsLeftToPicocli(String line) {
        assertEquals(Optional.empty(), ServeLine.parse(line.split("\\|")));
    }

    @Test
    void everySubcommandIsKnownSinceItCannotBeAConfigFile() {
        // picocli refuses a subcommand's name as the value of --config; ServeLine leaves such lines to it.
        Set<String> names = new CommandLine(new CoinpurseCommand()).getSubcommands().keySet();
        assertEquals(names, ServeLine.SUBCOMMANDS);
    }

    @Test
    void aConfigurationErrorReadsTheSameWithOrWithoutPicocli(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("bad.properties"), "server.port=abc\n");
        // An @file makes picocli read the arguments, so this one line runs through picocli.
        Path arguments = Files.writeString(dir.resolve("args.txt"), config.toString());

        CliRun direct = CliRun.run("--config", config.toString());
        CliRun throughPicocli = CliRun.run("serve", "--config", "@" + arguments);

        assertEquals(2, direct.exit());
        assertEquals("coinpurse: configuration error: server.port: \"abc\" is not a port number (0-65535, 0 for any free port)",
                direct.err().strip());
        assertEquals(throughPicocli, direct);
    }

    @Test
    void aMissingConfigFileReadsTheSameWithOrWithoutPicocli(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.properties");
        Path arguments = Files.writeString(dir.resolve("args.txt"), missing.toString());

        CliRun direct = CliRun.run("serve", "--config=" + missing);
        CliRun throughPicocli = CliRun.run("--config", "@" + arguments);

        assertEquals(2, direct.exit());
        assertTrue(direct.err().startsWith("coinpurse: configuration error: "), direct.err());
        assertEquals(throughPicocli, direct);
    }
}
