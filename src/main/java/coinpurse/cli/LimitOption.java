package coinpurse.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The check of {@code --limit N} (how many rows to show), the same for each command that has one. */
final class LimitOption {
    private LimitOption() {}

    /** @throws ParameterException a usage error (exit 2) when {@code limit} is below 1 */
    static void requirePositive(CommandSpec spec, int limit) {
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1");
        }
    }
}
