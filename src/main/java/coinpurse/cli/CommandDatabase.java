package coinpurse.cli;

import coinpurse.config.Config;
import coinpurse.config.JdbcUrls;
import coinpurse.db.DatabaseException;
import coinpurse.db.RootCause;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The commands' words for the database they work on, the same in each: where it is, that a
 * SQLite file is missing (opening it would create an empty database, which only {@code serve}
 * may do), and what failed when it failed.
 */
final class CommandDatabase {
    private CommandDatabase() {}

    /** Where the configured database is: {@code PostgreSQL at host:port}, or the SQLite file's absolute path. */
    static String where(Config config) {
        return config.usesPostgres()
                ? "PostgreSQL at " + JdbcUrls.hostAndPort(config.dbAccess().postgresUrl().orElseThrow())
                : config.dbPath().toAbsolutePath().toString();
    }

    /** Why the configured database cannot be opened without creating one: its SQLite file is missing. */
    static Optional<String> missing(Config config) {
        return config.usesPostgres() ? Optional.empty() : missing(config.dbPath());
    }

    /** Why the SQLite database {@code file} cannot be opened without creating one, if it is missing. */
    static Optional<String> missing(Path file) {
        return Files.isRegularFile(file)
                ? Optional.empty()
                : Optional.of("no database at " + file.toAbsolutePath() + " (check db.path and the working directory)");
    }

    /** A database failure in one line: its message, then its root cause's first line unless the message says it. */
    static String failure(DatabaseException e) {
        String root = RootCause.firstLine(e);
        return e.getMessage().contains(root) ? e.getMessage() : e.getMessage() + ": " + root;
    }
}
