package coinpurse.cli;

import coinpurse.app.AppDeps;
import coinpurse.config.Config;
import coinpurse.config.ConfigException;
import coinpurse.config.DatabaseAccess;
import coinpurse.config.JdbcUrls;
import coinpurse.db.CopyToPostgres;
import coinpurse.db.CopyToPostgres.Summary;
import coinpurse.db.CopyToPostgres.TableRows;
import coinpurse.db.Database;
import coinpurse.db.DatabaseException;
import coinpurse.wallet.LotsFromHistoryException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Moves the SQLite database at {@code db.path} into an empty PostgreSQL database, verified before
 * it commits; {@code db.user} and {@code db.password} log in to the target. Exit 0 when copied, 1
 * when refused or failed (nothing committed), 2 for a configuration error.
 */
@Command(name = "copy-db", mixinStandardHelpOptions = true,
        description = {
            "Copy the SQLite database at db.path into an EMPTY PostgreSQL database, then verify it (row counts,"
                    + " every balance against its ledger) before committing: all or nothing.",
            "Stop the server first: what it writes to the SQLite file after the copy is not in PostgreSQL.",
            "db.user and db.password (DB_USER, DB_PASSWORD) log in to the target. Exit 0 copied, 1 refused or"
                    + " failed (nothing written), 2 configuration error."})
public final class CopyDbCommand implements Callable<Integer> {
    @Mixin
    ConfigOption configOption = new ConfigOption();

    @Spec
    CommandSpec spec;

    @Option(names = "--to", required = true, paramLabel = "URL",
            description = "The target: jdbc:postgresql://host:port/database (its schema is created if absent).")
    String to;

    @Override
    public Integer call() {
        Config config = configOption.load();
        String database = requirePostgresUrl(to);
        Path source = config.dbPath().toAbsolutePath();
        Optional<String> missing = CommandDatabase.missing(source);
        if (missing.isPresent()) {
            // Opening it would create an empty one, and copy nothing.
            return fail(missing.get(), config);
        }
        DatabaseAccess target = new DatabaseAccess(Optional.of(to), config.dbAccess().user(),
                config.dbAccess().password(), 2);
        String where = "PostgreSQL at " + JdbcUrls.hostAndPort(to) + "/" + database;
        try {
            Summary summary = CopyToPostgres.copy(source, target);
            try {
                // A database from before lots gets them now, as the server would at its first start there.
                AppDeps.withLotsFromHistory(Database.openPostgres(target), Clock.systemUTC()).close();
            } catch (LotsFromHistoryException e) {
                return fail("copied into " + where + ", but " + e.getMessage(), config);
            }
            print(summary, source, where);
            return ExitCodes.OK;
        } catch (CopyToPostgres.CopyFailedException e) {
            return fail(e.getMessage(), config);
        } catch (DatabaseException e) {
            return fail(CommandDatabase.failure(e) + "; nothing was written", config);
        }
    }

    private void print(Summary summary, Path source, String where) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("copied " + source + " into " + where + ", verified:");
        for (TableRows table : summary.tables()) {
            out.printf("  %-18s %d%n", table.table(), table.rows());
        }
        out.println(summary.users() + " users, " + summary.coins() + " coins in total; every balance equals its"
                + " ledger, and each user's ledger equals the source's");
        out.println("next: set db.url to this database (and auth.jwt_secret, which PostgreSQL requires) and start"
                + " the server");
        out.flush();
    }

    /** The database name of a {@code jdbc:postgresql://host[:port]/database} URL; else a configuration error. */
    private static String requirePostgresUrl(String url) {
        String problem = "--to: write jdbc:postgresql://host:port/database";
        if (!url.toLowerCase(Locale.ROOT).startsWith(JdbcUrls.POSTGRES)) {
            // Not quoted: a JDBC URL may carry a password.
            throw new ConfigException(problem + " (copy-db copies into PostgreSQL only)");
        }
        try {
            URI uri = new URI(url.substring("jdbc:".length()));
            String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
            if (uri.getHost() == null || database.isBlank()) {
                throw new ConfigException(problem + " (a host and a database name are needed)");
            }
            return database;
        } catch (URISyntaxException e) {
            throw new ConfigException(problem + " (this one cannot be read as a URL)");
        }
    }

    /** Reports the refusal or failure in one line, never with the password or the raw URL. */
    private int fail(String message, Config config) {
        String shown = message.replace(to, JdbcUrls.withoutSecrets(to));
        Optional<String> password = config.dbAccess().password().filter(p -> p.length() >= 4);
        if (password.isPresent()) {
            shown = shown.replace(password.get(), "***");
        }
        return ErrorLine.print(spec, "copy-db failed", shown.lines().findFirst().orElse(""), ExitCodes.FAILED);
    }
}
