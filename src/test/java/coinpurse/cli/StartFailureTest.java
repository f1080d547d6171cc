package coinpurse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.config.Config;
import coinpurse.config.ConfigLoader;
import coinpurse.support.ChildRun;
import coinpurse.support.CliRun;
import coinpurse.support.TestPostgres;
import coinpurse.support.TestServer;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that cannot serve (SPEC "Running it") prints one line naming the cause and the key to
 * change, writes nothing anywhere, and exits 2; its stack only at debug level. Each start runs in a
 * child JVM whose working directory is {@code dir}, where the default {@code data/} would appear,
 * through Main's own path for the lines that only serve and, where it matters, through picocli's.
 */
class StartFailureTest {
    @TempDir
    Path dir;

    @Test
    void aPortInUseIsOneLineNamingServerPortAndCreatesNothing() throws IOException {
        try (ServerSocket taken = takePort()) {
            int port = taken.getLocalPort();
            Path config = Files.writeString(dir.resolve("c.properties"), "server.port=" + port + "\n");

            CliRun run = startBothWays(config, Map.of());

            assertOneLine(run, "coinpurse: cannot start: port " + port + " on 0.0.0.0 is in use"
                    + " (server.port / SERVER_PORT)");
        }
        assertOnlyTheTestsFiles();
    }

    @Test
    void aDatabasePathThatIsAFolderWritesNoSecretBesideIt() throws IOException {
        // The issue's DB_PATH=/tmp: the secret file beside that "database" was written into /.
        Path folder = Files.createDirectory(dir.resolve("store"));
        Path config = Files.writeString(dir.resolve("c.properties"), "server.port=0\n");

        CliRun run = startBothWays(config, Map.of("DB_PATH", folder.toString()));

        assertOneLine(run, "coinpurse: cannot start: the database path " + folder + " is a folder, not a file"
                + " (db.path / DB_PATH)");
        assertOnlyTheTestsFiles();
    }

    @Test
    void aDatabasePathUnderProcNamesDbPathNotTheSecretFile() throws IOException {
        CliRun run = start(Map.of("DB_PATH", "/proc/coinpurse-start-test/coinpurse.db"));

        assertOneLine(run, "coinpurse: cannot start: cannot create the database folder /proc/coinpurse-start-test:"
                + " /proc is on the kernel's own file system, where no file can be created (db.path / DB_PATH)");
        assertOnlyTheTestsFiles();
    }

    /** As root, file modes stop no write: the immutable attribute does (see DatabaseFaultsTest). */
    @Test
    @Tag("root")
    void aFolderNoOneMayWriteToIsOneLineNamingDbPath() throws Exception {
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Path existing = Files.createDirectory(dir.resolve("existing"));
        Path oldDatabase = Files.writeString(existing.resolve("coinpurse.db"), "");
        run("chattr", "+i", locked.toString(), oldDatabase.toString());
        try {
            CliRun newFolder = start(Map.of("DB_PATH", locked.resolve("data/coinpurse.db").toString()));
            CliRun oldFile = start(Map.of("DB_PATH", oldDatabase.toString()));

            String user = System.getProperty("user.name");
            assertOneLine(newFolder, "coinpurse: cannot start: cannot create the database folder " + locked
                    + "/data: the folder " + locked + " is not writable by user " + user + " (db.path / DB_PATH)");
            assertOneLine(oldFile, "coinpurse: cannot start: the database file " + oldDatabase
                    + " cannot be read and written by user " + user + " (db.path / DB_PATH)");
        } finally {
            run("chattr", "-i", locked.toString(), oldDatabase.toString());
        }
        assertEquals(List.of(), listing(locked));
        assertEquals(List.of("coinpurse.db"), listing(existing), "no -wal, -shm or secret file beside it");
    }

    @Test
    void anUnreachablePostgresIsOneLineNamingHostPortAndDbUrlButNotThePassword() throws IOException {
        CliRun run = start(Map.of(
                "DB_URL", "jdbc:postgresql://127.0.0.1:1/coinpurse",
                "DB_USER", "shop",
                "DB_PASSWORD", "hunter2-very-secret",
                "AUTH_JWT_SECRET", TestServer.JWT_SECRET));

        assertOneLine(run, "coinpurse: cannot start: cannot reach PostgreSQL at 127.0.0.1:1: Connection refused"
                + " (db.url / DB_URL)");
        assertFalse(run.err().contains("hunter2"), run.err());
        assertOnlyTheTestsFiles();
    }

    @Test
    void aPostgresThatRefusesTheLoginNamesDbUserAndDbPassword() throws IOException {
        String url = TestPostgres.server().newDatabase().replaceFirst("\\?.*", "");

        CliRun run = start(Map.of("DB_URL", url, "DB_USER", "no_such_role", "AUTH_JWT_SECRET", TestServer.JWT_SECRET));

        String line = run.err().strip();
        assertEquals(2, run.exit(), run.out() + run.err());
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("coinpurse: cannot start: PostgreSQL at 127.0.0.1:"), line);
        assertTrue(line.contains(" refused the login: FATAL: ") && line.contains("no_such_role"), line);
        assertTrue(line.endsWith(" (db.user / DB_USER, db.password / DB_PASSWORD)"), line);
        assertOnlyTheTestsFiles();
    }

    @Test
    void anUnknownKeyStaysOneLineAndCreatesNothing() throws IOException {
        Path config = Files.writeString(dir.resolve("c.properties"), "server.prot=5000\n");

        CliRun run = startBothWays(config, Map.of());

        assertOneLine(run, "coinpurse: configuration error: unknown key \"server.prot\" in " + config
                + " (did you mean server.port?)");
        assertOnlyTheTestsFiles();
    }

    /** SPEC "Events for the web app": a start with the URL and no valid secret exits 2 naming events.webhook_secret. */
    @Test
    void aWebhookUrlWithoutAValidSecretIsOneLineNamingEventsWebhookSecret() throws IOException {
        Map<String, String> missing = Map.of("EVENTS_WEBHOOK_URL", "https://shop.example.com/coinpurse-events");
        Path config = Files.writeString(dir.resolve("c.properties"), "server.port=0\n");

        CliRun none = startBothWays(config, missing);
        assertEquals(2, none.exit(), none.out() + none.err());
        assertEquals("", none.out());
        assertTrue(none.err().matches("coinpurse: configuration error: events\\.webhook_secret[^\n]*must be set with"
                + " events\\.webhook_url[^\n]*\n"), none.err());

        for (String bad : List.of("not-a-secret", "whsec_c2hvcnQ=", "whsec_!!!")) {
            Map<String, String> invalid = new java.util.HashMap<>(missing);
            invalid.put("EVENTS_WEBHOOK_SECRET", bad);
            CliRun run = startBothWays(config, invalid);
            assertEquals(2, run.exit(), run.out() + run.err());
            assertTrue(run.err().matches("coinpurse: configuration error: events\\.webhook_secret[^\n]*must be whsec_"
                    + "[^\n]*\n"), run.err());
            assertFalse(run.err().contains(bad), "never shows the secret: " + run.err());
        }
        assertOnlyTheTestsFiles();
    }

    @Test
    void theStackComesOnlyAtDebugLevel() throws IOException {
        try (ServerSocket taken = takePort()) {
            CliRun run = ChildRun.run(dir, Map.of("SERVER_PORT", Integer.toString(taken.getLocalPort())),
                    List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=debug"), "serve");

            assertEquals(2, run.exit(), run.out() + run.err());
            assertTrue(run.err().contains("coinpurse: cannot start: port " + taken.getLocalPort() + " on 0.0.0.0 is"
                    + " in use (server.port / SERVER_PORT)\n"), run.err());
            assertTrue(run.err().contains("Caused by: java.net.BindException: Address already in use"), run.err());
            assertTrue(run.err().contains("\tat coinpurse.cli.PortCheck.check"), run.err());
        }
        assertOnlyTheTestsFiles();
    }

    /** The check binds and releases; Jetty's real bind may still lose the port to someone faster. */
    @Test
    void theRealBindLosingARaceReadsAsTheChecksLine() throws IOException {
        try (ServerSocket taken = takePort()) {
            int port = taken.getLocalPort();
            Config config = ConfigLoader.load(Optional.empty(), Map.of("SERVER_PORT", Integer.toString(port)), dir);
            Javalin app = Javalin.create(cfg -> {
                cfg.startup.showJavalinBanner = false;
                cfg.jetty.host = config.serverHost();
                cfg.jetty.port = port;
            });
            try {
                RuntimeException lost = assertThrows(RuntimeException.class, app::start);
                CannotStartException checked = assertThrows(CannotStartException.class,
                        () -> StartChecks.beforeAnythingIsCreated(config));

                assertEquals("port " + port + " on 0.0.0.0 is in use (server.port / SERVER_PORT)",
                        StartChecks.whileStarting(lost, config).getMessage());
                assertEquals(checked.getMessage(), StartChecks.whileStarting(lost, config).getMessage());
            } finally {
                app.stop();
            }
        }
    }

    // ---- helpers ----

    /** {@code serve --config FILE} by Main's own path, and the same line through picocli: both must read alike. */
    private CliRun startBothWays(Path config, Map<String, String> env) throws IOException {
        // An @file makes picocli read the arguments, so this one runs through picocli (see ServeLineTest).
        Path arguments = Files.writeString(dir.resolve("args.txt"), config.toString());
        CliRun direct = ChildRun.run(dir, env, "serve", "--config", config.toString());
        CliRun throughPicocli = ChildRun.run(dir, env, "serve", "--config", "@" + arguments);
        assertEquals(direct, throughPicocli);
        return direct;
    }

    private CliRun start(Map<String, String> env) throws IOException {
        Map<String, String> withPort = new java.util.HashMap<>(env);
        // Any free port: the failures under test come before the bind, and a taken 5000 must not mask them.
        withPort.putIfAbsent("SERVER_PORT", "0");
        return ChildRun.run(dir, withPort, "serve");
    }

    private static void assertOneLine(CliRun run, String line) {
        assertEquals(2, run.exit(), run.out() + run.err());
        assertEquals("", run.out());
        assertEquals(line + "\n", run.err());
    }

    /** No data folder, database, secret file or anything else: only what the test put there. */
    private void assertOnlyTheTestsFiles() throws IOException {
        TreeSet<String> left = new TreeSet<>(listing(dir));
        left.removeAll(List.of("c.properties", "args.txt", "store", "locked", "existing", "existing/coinpurse.db"));
        assertEquals(new TreeSet<>(), left);
        if (Files.exists(dir.resolve("store"))) {
            assertEquals(List.of(), listing(dir.resolve("store")));
        }
    }

    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.filter(path -> !path.equals(folder)).map(path -> folder.relativize(path).toString())
                    .sorted().collect(Collectors.toList());
        }
    }

    private static ServerSocket takePort() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + output);
    }
}
