package coinpurse.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code java -jar coinpurse.jar [serve|token USER_ID|reconcile|backup FILE|copy-db|migrate|verify|events|user USER_ID|liability]}; with no subcommand, serves. */
@Command(name = "coinpurse", mixinStandardHelpOptions = true, version = "coinpurse 0.1.0",
        description = "Sell in-app coins with Stripe Checkout.",
        subcommands = {ServeCommand.class, TokenCommand.class, ReconcileCommand.class, BackupCommand.class,
            CopyDbCommand.class, MigrateCommand.class, VerifyCommand.class, EventsCommand.class, UserCommand.class,
            LiabilityCommand.class})
public final class CoinpurseCommand implements Callable<Integer> {
    @Mixin
    ConfigOption configOption = new ConfigOption();

    @Override
    public Integer call() {
        ServeCommand serve = new ServeCommand();
        serve.configOption = configOption;
        return serve.call();
    }
}
