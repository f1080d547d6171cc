package coinpurse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code db.url}, {@code db.user}, {@code db.password}, {@code db.pool_size}: where the data lives. */
class DatabaseSettingsTest {
    @TempDir
    Path dir;

    @Test
    void withoutAUrlTheDataIsTheSqliteFile() throws IOException {
        Config config = load("", Map.of());
        assertFalse(config.usesPostgres());
        assertEquals(Path.of("data/coinpurse.db"), config.dbPath());
        assertEquals(10, config.dbAccess().poolSize());
    }

    @Test
    void aPostgresUrlSelectsPostgresWithItsUserPasswordAndPool() throws IOException {
        Config config = load("db.url=jdbc:postgresql://db.internal:6543/coinpurse\ndb.user=shop\ndb.pool_size=4\n"
                + "auth.jwt_secret=" + "k".repeat(32) + "\n",
                Map.of("DB_PASSWORD", "s3cret-from-env"));
        assertTrue(config.usesPostgres());
        assertEquals(Optional.of("jdbc:postgresql://db.internal:6543/coinpurse"), config.dbAccess().postgresUrl());
        assertEquals(Optional.of("shop"), config.dbAccess().user());
        assertEquals(Optional.of("s3cret-from-env"), config.dbAccess().password());
        assertEquals(4, config.dbAccess().poolSize());
        assertEquals("db.internal:6543", JdbcUrls.hostAndPort(config.dbAccess().postgresUrl().orElseThrow()));
        assertFalse(config.toString().contains("s3cret-from-env"), "a printed config shows no password");
    }

    @Test
    void onPostgresTheJwtSecretMustBeSetSinceEveryInstanceVerifiesTheSameTokens() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("db.url=jdbc:postgresql://db.internal:6543/coinpurse\n", Map.of()));
        assertEquals("auth.jwt_secret: must be set when db.url is PostgreSQL, so that every instance verifies the"
                + " same tokens", e.getMessage());
    }

    @Test
    void aSqliteUrlNamesTheFile() throws IOException {
        assertEquals(Path.of("/srv/coinpurse/data.db"), load("db.url=jdbc:sqlite:/srv/coinpurse/data.db\n", Map.of()).dbPath());
        ConfigException both = assertThrows(ConfigException.class,
                () -> load("db.url=jdbc:sqlite:/a.db\ndb.path=/b.db\n", Map.of()));
        assertEquals("db.url: names a SQLite file and db.path is set too: set only one of them", both.getMessage());
    }

    @Test
    void anUnusableUrlIsRefusedWithoutEchoingIt() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("db.url=jdbc:mysql://h/db?password=hunter2\n", Map.of()));
        assertEquals("db.url: is not a URL coinpurse can use: write jdbc:postgresql://host:port/database"
                + " (or jdbc:sqlite:FILE)", e.getMessage());
        assertThrows(ConfigException.class, () -> load("db.pool_size=0\n", Map.of()));
        assertThrows(ConfigException.class, () -> load("db.pool_size=101\n", Map.of()));
    }

    private Config load(String text, Map<String, String> env) throws IOException {
        Path file = Files.writeString(dir.resolve("test.properties"), text);
        return ConfigLoader.load(Optional.of(file), env, dir);
    }
}
