package coinpurse.cli;

import coinpurse.config.Config;
import coinpurse.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by every subcommand. */
public final class ConfigOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file to read instead of ./config.properties.")
    Path file;

    ConfigOption() {}

    ConfigOption(Path file) {
        this.file = file;
    }

    public Config load() {
        return ConfigLoader.load(Optional.ofNullable(file), System.getenv());
    }
}
