package coinpurse.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The command lines that only serve, read without picocli, whose model of every command (built
 * from their annotations by reflection) takes about 0.2 s of a start: none, {@code serve}, and
 * either of them followed by {@code --config FILE} or {@code --config=FILE}. Anything else goes
 * to picocli, including a FILE that picocli would read differently (see {@link #plainValue}).
 */
public final class ServeLine {
    /** The names of CoinpurseCommand's subcommands; ServeLineTest keeps the two in step. */
    static final Set<String> SUBCOMMANDS = Set.of("serve", "token", "reconcile", "backup", "copy-db",
            "migrate", "verify", "events", "user", "liability");
    private static final String CONFIG = "--config";

    private ServeLine() {}

    /** The {@code --config} option of a command line that only serves; empty for any other command line. */
    public static Optional<ConfigOption> parse(String... args) {
        List<String> rest = List.of(args);
        if (!rest.isEmpty() && rest.get(0).equals("serve")) {
            rest = rest.subList(1, rest.size());
        }
        if (rest.isEmpty()) {
            return Optional.of(new ConfigOption());
        }
        String value;
        if (rest.size() == 2 && rest.get(0).equals(CONFIG)) {
            value = rest.get(1);
        } else if (rest.size() == 1 && rest.get(0).startsWith(CONFIG + "=")) {
            value = rest.get(0).substring(CONFIG.length() + 1);
        } else {
            return Optional.empty();
        }
        return plainValue(value) ? Optional.of(new ConfigOption(Path.of(value))) : Optional.empty();
    }

    /**
     * A value that picocli would take as it is: not empty, not an option or a subcommand's name (picocli
     * can refuse those as an option's value) and not an {@code @file} (picocli reads arguments from it).
     */
    private static boolean plainValue(String value) {
        return !value.isEmpty() && !value.startsWith("-") && !value.startsWith("@") && !SUBCOMMANDS.contains(value);
    }
}
