package coinpurse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.CliRun;
import coinpurse.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A PostgreSQL that cannot be reached at start stops the start with one line: host and port, no password. */
class StartFailureTest {
    @TempDir
    Path dir;

    @Test
    void anUnreachablePostgresIsOneLineNamingHostAndPortButNotThePassword() throws IOException {
        Path config = Files.writeString(dir.resolve("c.properties"), String.join("\n",
                "server.port=5999",
                "db.url=jdbc:postgresql://127.0.0.1:1/coinpurse",
                "db.user=shop",
                "db.password=hunter2-very-secret",
                "auth.jwt_secret=" + TestServer.JWT_SECRET, ""));

        CliRun run = CliRun.run("serve", "--config", config.toString());

        assertEquals(1, run.exit(), run.out() + run.err());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("coinpurse: database unavailable: cannot reach PostgreSQL at 127.0.0.1:1:"), err);
        assertFalse(err.contains("hunter2"), err);
    }
}
