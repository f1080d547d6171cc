package coinpurse;

import coinpurse.cli.CoinpurseCommand;
import coinpurse.config.ConfigException;
import picocli.CommandLine;

/** The jar's entry point: parses the command line and runs the subcommand. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int exit = run(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** Runs a command line; returns its exit code (the server keeps running after 0). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new CoinpurseCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println("coinpurse: configuration error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
