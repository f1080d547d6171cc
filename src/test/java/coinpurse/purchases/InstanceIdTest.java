package coinpurse.purchases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.db.Database;
import coinpurse.db.SettingsTable;
import coinpurse.db.Timestamps;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code app.instance_id}: generated once and kept with the data, or configured and then kept. */
class InstanceIdTest {
    @TempDir
    Path dir;

    @Test
    void aGeneratedIdIsKeptInTheDatabaseAndTheSameAtEveryStart() {
        Path file = dir.resolve("coinpurse.db");
        String first;
        try (Database db = Database.open(file)) {
            first = InstanceId.resolve(Optional.empty(), db, new SettingsTable(new Timestamps(Clock.systemUTC())));
        }
        try (Database db = Database.open(file)) {
            assertEquals(first, InstanceId.resolve(Optional.empty(), db, new SettingsTable(new Timestamps(Clock.systemUTC()))));
        }
        assertTrue(first.matches("cp_[0-9a-f]{20}"), first);
        try (Database other = Database.open(dir.resolve("other.db"))) {
            assertNotEquals(first, InstanceId.resolve(Optional.empty(), other, new SettingsTable(new Timestamps(Clock.systemUTC()))), "each database gets its own");
        }
    }

    @Test
    void aConfiguredIdWinsAndIsKeptForLaterStartsWithoutIt() {
        Path file = dir.resolve("coinpurse.db");
        try (Database db = Database.open(file)) {
            InstanceId.resolve(Optional.empty(), db, new SettingsTable(new Timestamps(Clock.systemUTC())));
            assertEquals("shop-eu-1", InstanceId.resolve(Optional.of("shop-eu-1"), db, new SettingsTable(new Timestamps(Clock.systemUTC()))));
        }
        try (Database db = Database.open(file)) {
            assertEquals("shop-eu-1", InstanceId.resolve(Optional.empty(), db, new SettingsTable(new Timestamps(Clock.systemUTC()))));
        }
    }
}
