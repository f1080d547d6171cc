package coinpurse.cli;

import coinpurse.app.AppDeps;
import coinpurse.config.Config;
import coinpurse.db.Database;
import coinpurse.db.DatabaseException;
import coinpurse.db.OpenMode;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Brings the database's schema to this version with Flyway, as {@code serve} does when it
 * starts: for an upgrade before the server starts, or before the commands that only read (they
 * refuse an older database rather than change it). Says from which version to which.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {
            "Upgrade the database's schema to this coinpurse's version (serve does the same when it starts),"
                    + " saying from which version; a database already current is left as it is.",
            "Exit 0 migrated or already current, 1 failed (no database at db.path, the database cannot be"
                    + " reached, or refused the upgrade), 2 configuration error."})
public final class MigrateCommand implements Callable<Integer> {
    @Mixin
    ConfigOption configOption = new ConfigOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Config config = configOption.load();
        String where = CommandDatabase.where(config);
        Optional<String> missing = CommandDatabase.missing(config);
        if (missing.isPresent()) {
            // Migrating would create a new database; serve does that, at its first start.
            return fail(missing.get());
        }
        try {
            int before;
            try (Database db = AppDeps.openDatabase(config, OpenMode.READ_ONLY_ANY_VERSION)) {
                before = db.schemaVersion();
            }
            int after;
            try (Database db = AppDeps.openDatabase(config)) {
                after = db.schemaVersion();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(before == after
                    ? "the database at " + where + " is at schema version " + after + " already: nothing to migrate"
                    : "migrated the database at " + where + " from schema version " + before + " to " + after);
            out.flush();
            return ExitCodes.OK;
        } catch (DatabaseException e) {
            return fail(CommandDatabase.failure(e));
        }
    }

    private int fail(String message) {
        return ErrorLine.print(spec, "migrate failed", message, ExitCodes.FAILED);
    }
}
