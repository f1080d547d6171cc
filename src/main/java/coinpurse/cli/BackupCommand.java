package coinpurse.cli;

import coinpurse.config.Config;
import coinpurse.db.Backup;
import coinpurse.db.DatabaseException;
import coinpurse.db.OpenMode;
import coinpurse.db.SqliteDatabase;
import coinpurse.metrics.Meters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Writes a consistent copy of the SQLite database to a new file, while the server keeps serving.
 * A PostgreSQL database is refused with one line pointing to {@code pg_dump}, untouched.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Copy the SQLite database to FILE (a new file), safely while serving. On PostgreSQL, use pg_dump.")
public final class BackupCommand implements Callable<Integer> {
    @Mixin
    ConfigOption configOption = new ConfigOption();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Where to write the copy; must not exist yet.")
    Path target;

    @Override
    public Integer call() {
        Config config = configOption.load();
        if (config.usesPostgres()) {
            // VACUUM INTO is SQLite's; a PostgreSQL database is copied with its own tools.
            spec.commandLine().getErr().println("coinpurse: backup copies the SQLite file; this server runs on "
                    + CommandDatabase.where(config) + ": use pg_dump (or your provider's point-in-time recovery)");
            return ExitCodes.FAILED;
        }
        Path source = config.dbPath().toAbsolutePath();
        Optional<String> missing = CommandDatabase.missing(source);
        if (missing.isPresent()) {
            return fail(missing.get());
        }
        try {
            Backup.requireNew(target); // before opening the database, so that a refused run touches nothing
        } catch (Backup.TargetExistsException e) {
            return fail(e.getMessage());
        }
        // As it is, whatever its schema's version: a backup is what to take before an upgrade.
        try (SqliteDatabase db = SqliteDatabase.open(source, Meters.off().registry(), OpenMode.READ_ONLY_ANY_VERSION)) {
            Backup.Result result = new Backup(db).to(target);
            spec.commandLine().getOut().println("backed up " + source + " to " + result.file()
                    + " (" + result.bytes() + " bytes)");
            return ExitCodes.OK;
        } catch (Backup.TargetExistsException e) {
            return fail(e.getMessage());
        } catch (IOException e) {
            return fail("cannot write " + target + ": " + e);
        } catch (DatabaseException e) {
            return fail(CommandDatabase.failure(e));
        }
    }

    private int fail(String message) {
        return ErrorLine.print(spec, "backup failed", message, ExitCodes.FAILED);
    }
}
