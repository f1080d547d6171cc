package coinpurse.cli;

import coinpurse.app.AppDeps;
import coinpurse.config.Config;
import coinpurse.db.Database;
import coinpurse.db.DatabaseException;
import coinpurse.db.OpenMode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code verify}, {@code events}, {@code user} and {@code liability} share: they read the database that the
 * config names, never create, migrate or change one, and print text for a person or JSON for a
 * script. Their exit codes follow grep and diff ({@link ExitCodes}): 0 all is well, 1 the answer
 * is no (a problem found, an unknown user), 2 trouble (no database, one of another schema version,
 * the database failed, a configuration error).
 */
final class Inspection {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final CommandSpec spec;
    private final String command;

    Inspection(CommandSpec spec, String command) {
        this.spec = spec;
        this.command = command;
    }

    /** Runs {@code work} on the configured database, or answers {@link ExitCodes#TROUBLE} saying why it could not. */
    int run(Config config, Function<Database, Integer> work) {
        Optional<String> missing = CommandDatabase.missing(config);
        if (missing.isPresent()) {
            // Opening it would create an empty database, and report on nothing.
            return trouble(missing.get());
        }
        // Read-only and never migrated: an older database is refused, saying what upgrades it.
        try (Database db = AppDeps.openDatabase(config, OpenMode.READ_ONLY)) {
            return work.apply(db);
        } catch (DatabaseException e) {
            return trouble(CommandDatabase.failure(e));
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints {@code document} as indented JSON with snake_case names. */
    void printJson(Object document) {
        try {
            out().println(JSON.writeValueAsString(document));
            out().flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + document.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** A one-line answer of "no" on stderr (an unknown user): exit 1. */
    int no(String message) {
        return ErrorLine.print(spec, command, message, ExitCodes.NO);
    }

    private int trouble(String message) {
        return ErrorLine.print(spec, command + " could not run", message, ExitCodes.TROUBLE);
    }
}
