package coinpurse.cli;

import coinpurse.auth.JwtSecretFile;
import coinpurse.config.Config;
import coinpurse.config.JdbcUrls;
import coinpurse.db.DatabaseException;
import coinpurse.db.RootCause;
import coinpurse.db.SqlitePathCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.sql.SQLException;

/**
 * What {@code serve} makes sure of before it creates anything (the database, its folder, the
 * token secret file): that it can listen, and that the database and the secret can be used. Each
 * failure is one {@link CannotStartException} naming the key to change; so is each failure of the
 * real start after the checks passed (the port taken meanwhile, a file that is no database, a
 * PostgreSQL that cannot be reached or refuses the login: opening it is its check).
 */
final class StartChecks {
    private StartChecks() {}

    /** @throws CannotStartException the first thing that would stop the start */
    static void beforeAnythingIsCreated(Config config) {
        PortCheck.check(config.serverHost(), config.serverPort());
        if (!config.usesPostgres()) {
            SqlitePathCheck.problem(config.dbPath()).ifPresent(problem -> {
                throw new CannotStartException(problem, "db.path");
            });
        }
        JwtSecretFile.problem(config.jwtSecret(), config.dbPath()).ifPresent(problem -> {
            throw new CannotStartException(problem, "auth.jwt_secret");
        });
    }

    /**
     * A failure while opening the database and the token secret (after the checks) as its one line:
     * a file that is no database, a migration refused, PostgreSQL out of reach or refusing the
     * login, a folder or secret file that could not be made after all; else {@code e} as it is.
     */
    static RuntimeException whileOpening(RuntimeException e, Config config) {
        if (e instanceof JwtSecretFile.UnusableFileException secret) {
            return new CannotStartException(secret.getMessage() + ": " + describe(secret.getCause()), e,
                    "auth.jwt_secret");
        }
        if (e instanceof DatabaseException db) {
            return database(db, config);
        }
        if (e instanceof UncheckedIOException io && !config.usesPostgres()) {
            // Database.open could not create the database's folder after all (the check saw that it could).
            return new CannotStartException(io.getMessage() + ": " + describe(io.getCause()), e, "db.path");
        }
        return e;
    }

    /**
     * A failure while starting to serve, the database open, as its one line: the real bind losing
     * the port to someone faster than the check, the database failing its first writes; else
     * {@code e} as it is.
     */
    static RuntimeException whileStarting(RuntimeException e, Config config) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException bind) {
                return PortCheck.failure(config.serverHost(), config.serverPort(), bind);
            }
        }
        return e instanceof DatabaseException db ? database(db, config) : e;
    }

    private static CannotStartException database(DatabaseException e, Config config) {
        return config.usesPostgres() ? postgres(e, config) : new CannotStartException("cannot open the database "
                + config.dbPath().toAbsolutePath() + ": " + RootCause.firstLine(e), e, "db.path");
    }

    /** Wrong credentials name the login's keys; anything else (host, port, database name) names db.url. */
    private static CannotStartException postgres(DatabaseException e, Config config) {
        String state = sqlState(e);
        if (state.startsWith("28")) {
            String server = JdbcUrls.hostAndPort(config.dbAccess().postgresUrl().orElseThrow());
            return new CannotStartException("PostgreSQL at " + server + " refused the login: " + RootCause.firstLine(e),
                    e, "db.user", "db.password");
        }
        return new CannotStartException(e.getMessage(), e, "db.url");
    }

    private static String sqlState(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return "";
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + " " + e.getMessage();
    }
}
