package coinpurse;

import coinpurse.cli.CannotStartException;
import coinpurse.cli.CoinpurseCommand;
import coinpurse.cli.ConfigOption;
import coinpurse.cli.ServeCommand;
import coinpurse.cli.ServeLine;
import coinpurse.config.ConfigException;
import coinpurse.db.DatabaseException;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The jar's entry point: parses the command line and runs the subcommand. The command lines that
 * only serve ({@link ServeLine}) start the server without picocli, to start sooner.
 */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        int exit = run(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** Runs a command line; returns its exit code (the server keeps running after 0). */
    public static int run(String... args) {
        Optional<ConfigOption> serveOnly = ServeLine.parse(args);
        if (serveOnly.isEmpty()) {
            return commandLine(new CoinpurseCommand()).execute(args);
        }
        try {
            ServeCommand.serve(serveOnly.get().load());
            return 0;
        } catch (Exception e) {
            // Reported by picocli all the same, so that a failed start prints and returns what it always did.
            Callable<Integer> failed = () -> {
                throw e;
            };
            return commandLine(CommandSpec.wrapWithoutInspection(failed)).execute();
        }
    }

    private static CommandLine commandLine(Object command) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CannotStartException) {
                commandLine.getErr().println("coinpurse: cannot start: " + e.getMessage());
                // Its stack only at debug level: -Dorg.slf4j.simpleLogger.log.coinpurse=debug
                log.debug("the start failed", e);
                return 2;
            }
            if (e instanceof ConfigException) {
                commandLine.getErr().println("coinpurse: configuration error: " + e.getMessage());
                return 2;
            }
            if (e instanceof DatabaseException) {
                // A database that cannot be reached or opened: one line (no stack), never a password.
                commandLine.getErr().println("coinpurse: database unavailable: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli;
    }
}
