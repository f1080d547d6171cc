package coinpurse.cli;

import coinpurse.app.AppDeps;
import coinpurse.config.Config;
import coinpurse.config.JdbcUrls;
import coinpurse.db.Database;
import coinpurse.db.DatabaseException;
import coinpurse.db.OpenMode;
import coinpurse.db.RootCause;
import java.io.PrintWriter;
import java.nio.file.Files;
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
        String where = config.usesPostgres()
                ? "PostgreSQL at " + JdbcUrls.hostAndPort(config.dbAccess().postgresUrl().orElseThrow())
                : config.dbPath().toAbsolutePath().toString();
        if (!config.usesPostgres() && !Files.isRegularFile(config.dbPath())) {
            // Migrating would create a new database; serve does that, at its first start.
            return fail("no database at " + where + " (check db.path and the working directory)");
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
            return 0;
        } catch (DatabaseException e) {
            String root = RootCause.firstLine(e);
            return fail(e.getMessage().contains(root) ? e.getMessage() : e.getMessage() + ": " + root);
        }
    }

    private int fail(String message) {
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().println("coinpurse: migrate failed: " + message);
        return 1;
    }
}
