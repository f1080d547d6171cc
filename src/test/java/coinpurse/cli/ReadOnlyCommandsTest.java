package coinpurse.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.CliRun;
import coinpurse.support.TestPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that only read ({@code verify}, {@code events}, {@code user}) never change a
 * database: on an older one they say which version it is and what upgrades it, exit 2, and leave
 * it as it was, byte for byte; {@code migrate} upgrades it, after which they read it. The older
 * database is the V2 fixture written by a real server of schema V2 (src/test/resources/upgrade).
 */
class ReadOnlyCommandsTest {
    private static final String FIXTURE = "/upgrade/coinpurse-v2.db";
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.+\\.sql");

    @TempDir
    Path dir;
    Path file;
    Path config;

    @BeforeEach
    void copyTheV2Fixture() throws IOException {
        file = Files.createDirectories(dir.resolve("data")).resolve("coinpurse.db");
        try (InputStream fixture = ReadOnlyCommandsTest.class.getResourceAsStream(FIXTURE)) {
            assertNotNull(fixture, FIXTURE + " is not on the test classpath");
            Files.copy(fixture, file);
        }
        config = Files.writeString(dir.resolve("coinpurse.properties"), "db.path=" + file + "\n", UTF_8);
    }

    @Test
    void readOnlyCommandsRefuseAnOlderDatabaseAndLeaveItsFileByteForByteAsItWas() throws Exception {
        byte[] before = Files.readAllBytes(file);
        assertEquals(2, version(file), "the fixture is a V2 database");
        for (List<String> command : List.of(List.of("verify"), List.of("verify", "--json"), List.of("events"),
                List.of("events", "--json"), List.of("user", "u1"), List.of("user", "u1", "--json"))) {
            CliRun run = run(command);

            assertEquals(2, run.exit(), command + ": " + run.out() + run.err());
            assertEquals("", run.out(), command.toString());
            assertEquals("coinpurse: " + command.get(0) + " could not run: the database is at schema version 2,"
                    + " older than this coinpurse's " + latestVersion() + ": `coinpurse migrate` (or starting"
                    + " `serve`) upgrades it; read-only commands never change a database", run.err().strip());
            assertArrayEquals(before, Files.readAllBytes(file), command + " changed the database file");
            assertEquals(List.of("coinpurse.db"), filesIn(file.getParent()), command + " left files beside it");
        }
    }

    @Test
    void migrateUpgradesTheOlderDatabaseAfterWhichTheReadOnlyCommandsReadIt() throws Exception {
        CliRun migrate = run(List.of("migrate"));

        assertEquals(0, migrate.exit(), migrate.err());
        assertEquals("migrated the database at " + file + " from schema version 2 to " + latestVersion(),
                migrate.out().strip());
        assertEquals(latestVersion(), version(file));
        CliRun user = run(List.of("user", "u1"));
        assertEquals(0, user.exit(), user.err());
        assertTrue(user.out().startsWith("user u1: balance 2460: paid 1760, bonus 700, held 0"), user.out());

        byte[] upgraded = Files.readAllBytes(file);
        CliRun again = run(List.of("migrate"));
        assertEquals(0, again.exit(), again.err());
        assertEquals("the database at " + file + " is at schema version " + latestVersion()
                + " already: nothing to migrate", again.out().strip());
        assertArrayEquals(upgraded, Files.readAllBytes(file), "a current database is left as it is");
    }

    @Test
    void migrateRefusesToCreateADatabaseWhereThereIsNone() throws IOException {
        Path missing = dir.resolve("elsewhere/coinpurse.db");
        Path elsewhere = Files.writeString(dir.resolve("elsewhere.properties"), "db.path=" + missing + "\n", UTF_8);

        CliRun run = CliRun.run("migrate", "--config", elsewhere.toString());

        assertEquals(1, run.exit(), run.out());
        assertEquals("coinpurse: migrate failed: no database at " + missing
                + " (check db.path and the working directory)", run.err().strip());
        assertTrue(Files.notExists(missing.getParent()), "nothing was created");
    }

    @Test
    void backupCopiesAnOlderDatabaseAsItIsWithoutMigratingIt() throws Exception {
        byte[] before = Files.readAllBytes(file);
        Path copy = dir.resolve("backups/before-the-upgrade.db");

        CliRun run = CliRun.run("backup", copy.toString(), "--config", config.toString());

        assertEquals(0, run.exit(), run.err());
        assertArrayEquals(before, Files.readAllBytes(file), "backup changed the database file");
        assertEquals(2, version(copy), "the copy is the V2 database, not migrated");
    }

    /**
     * On PostgreSQL the same: a schema whose newest migration is missing from its history is
     * refused as older, and Flyway never runs (it would fail re-creating what exists, not name
     * the version); {@code migrate} gives an empty database its schema.
     */
    @Test
    void onPostgresqlAnOlderSchemaIsRefusedAndMigrateCreatesTheSchemaOfAnEmptyDatabase() throws Exception {
        String url = TestPostgres.server().newDatabase();
        Path postgres = Files.writeString(dir.resolve("postgres.properties"),
                "db.url=" + url + "\nauth.jwt_secret=read-only-commands-test-secret-0123456789abcdef\n", UTF_8);

        CliRun created = CliRun.run("migrate", "--config", postgres.toString());
        assertEquals(0, created.exit(), created.err());
        assertTrue(created.out().strip().matches("migrated the database at PostgreSQL at 127\\.0\\.0\\.1:\\d+"
                + " from schema version 0 to " + latestVersion()), created.out());

        try (Connection connection = DriverManager.getConnection(url);
                Statement sql = connection.createStatement()) {
            sql.executeUpdate("DELETE FROM flyway_schema_history WHERE version = '" + latestVersion() + "'");
        }
        CliRun verify = CliRun.run("verify", "--config", postgres.toString());
        assertEquals(2, verify.exit(), verify.out() + verify.err());
        assertEquals("coinpurse: verify could not run: the database is at schema version " + (latestVersion() - 1)
                + ", older than this coinpurse's " + latestVersion() + ": `coinpurse migrate` (or starting `serve`)"
                + " upgrades it; read-only commands never change a database", verify.err().strip());
    }

    private CliRun run(List<String> command) {
        List<String> args = new ArrayList<>(command);
        args.add("--config");
        args.add(config.toString());
        return CliRun.run(args.toArray(String[]::new));
    }

    /** The newest migration of this jar, from its files. */
    private static int latestVersion() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/resources/db/migration"))) {
            return files.map(f -> VERSIONED.matcher(f.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToInt(match -> Integer.parseInt(match.group(1)))
                    .max().orElseThrow();
        }
    }

    private static int version(Path database) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
                Statement sql = connection.createStatement();
                ResultSet row = sql.executeQuery("SELECT MAX(CAST(version AS INTEGER)) FROM flyway_schema_history"
                        + " WHERE success = 1")) {
            return row.next() ? row.getInt(1) : 0;
        }
    }

    private static List<String> filesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
