package coinpurse.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shortcut that skips Flyway on a current database must know the newest migration. */
class MigrationsTest {
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.+\\.sql");

    @TempDir
    Path dir;

    @Test
    void latestVersionIsTheNewestMigrationFile() throws IOException {
        int newest;
        try (Stream<Path> files = Files.walk(Path.of("src/main/resources/db/migration"))) {
            newest = files.map(file -> VERSIONED.matcher(file.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToInt(match -> Integer.parseInt(match.group(1)))
                    .max().orElseThrow();
        }
        assertEquals(newest, Migrations.LATEST_VERSION);
    }

    @Test
    void aNewDatabaseEndsAtTheLatestVersionAndReopensWithoutChange() {
        Path file = dir.resolve("coinpurse.db");
        try (Database db = Database.open(file)) {
            assertEquals(Migrations.LATEST_VERSION, Migrations.appliedVersion(db.dataSource()));
        }
        try (Database db = Database.open(file)) {
            assertEquals(Migrations.LATEST_VERSION, Migrations.appliedVersion(db.dataSource()));
        }
    }
}
