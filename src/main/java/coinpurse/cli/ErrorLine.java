package coinpurse.cli;

import picocli.CommandLine.Model.CommandSpec;

/**
 * A command's one line on stderr when it cannot give its answer, {@code coinpurse: <what>: <why>}
 * ({@code what} such as "migrate failed", "verify could not run"), after what it printed so far.
 */
final class ErrorLine {
    private ErrorLine() {}

    /** Prints the line and answers {@code exit}, the command's exit code. */
    static int print(CommandSpec spec, String what, String why, int exit) {
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().println("coinpurse: " + what + ": " + why);
        return exit;
    }
}
