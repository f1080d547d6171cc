package coinpurse.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL server of a test run: the one {@code COINPURSE_TEST_PG_URL} names (as
 * {@code .ci/run} sets it), else a throwaway one started from the machine's PostgreSQL binaries by
 * {@code src/test/postgres/test-postgres.sh} and stopped when the test JVM exits. Each test that
 * needs PostgreSQL gets a database of its own on it, so tests never see each other's rows.
 */
public final class TestPostgres {
    public static final String URL_VARIABLE = "COINPURSE_TEST_PG_URL";
    private static final String SCRIPT = "src/test/postgres/test-postgres.sh";

    private final String serverUrl;
    /** The data folder of a server this class started; null for one named by the environment. */
    private final Path data;

    private TestPostgres(String serverUrl, Path data) {
        this.serverUrl = serverUrl;
        this.data = data;
    }

    /** One server per test JVM, started on first use. */
    private static final class Holder {
        static final TestPostgres SERVER = start();
    }

    public static TestPostgres server() {
        return Holder.SERVER;
    }

    /** A new, empty database on the server; its JDBC URL (user {@code postgres}, no password). */
    public String newDatabase() {
        String name = "coinpurse_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection admin = DriverManager.getConnection(serverUrl); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + serverUrl, e);
        }
        return serverUrl.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
    }

    /** Stops a server this class started, keeping its data: connections are cut, new ones refused. */
    public void halt() {
        run(SCRIPT, "halt", ownData().toString());
    }

    /** Starts a halted server again, on the same port. */
    public void resume() {
        run(SCRIPT, "resume", ownData().toString());
    }

    private Path ownData() {
        if (data == null) {
            throw new IllegalStateException("only a server this class started can be halted");
        }
        return data;
    }

    private static TestPostgres start() {
        String given = System.getenv(URL_VARIABLE);
        if (given != null && !given.isBlank()) {
            return new TestPostgres(given, null);
        }
        return startThrowaway();
    }

    /** A server of its own, started from the machine's binaries and stopped when the JVM exits. */
    public static TestPostgres startThrowaway() {
        try {
            Path parent = Files.createTempDirectory(Path.of("/tmp"), "coinpurse-pg-");
            // PostgreSQL runs as the postgres user when we are root: it must get through this folder.
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path data = parent.resolve("server");
            String url = run(SCRIPT, "start", data.toString()).strip();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                run(SCRIPT, "stop", data.toString());
                parent.toFile().delete();
            }, "test-postgres-stop"));
            return new TestPostgres(url, data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a PostgreSQL for the tests", e);
        }
    }

    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
