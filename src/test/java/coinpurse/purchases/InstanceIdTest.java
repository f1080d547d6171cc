package coinpurse.purchases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.config.DatabaseAccess;
import coinpurse.db.Database;
import coinpurse.db.SettingsTable;
import coinpurse.db.Timestamps;
import coinpurse.support.TestPostgres;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    /**
     * Instances starting at once on an empty PostgreSQL database each generate an id; all must
     * answer the one kept (before, the last write won and the others kept their own for the run).
     */
    @Test
    void instancesStartingAtOnceOnAnEmptyPostgresAgreeOnOneId() throws Exception {
        int instances = 6;
        for (int round = 0; round < 5; round++) {
            DatabaseAccess access = new DatabaseAccess(Optional.of(TestPostgres.server().newDatabase()),
                    Optional.empty(), Optional.empty(), 2);
            List<Database> dbs = new ArrayList<>();
            ExecutorService threads = Executors.newFixedThreadPool(instances);
            try {
                for (int i = 0; i < instances; i++) {
                    dbs.add(Database.openPostgres(access));
                }
                CyclicBarrier together = new CyclicBarrier(instances);
                List<Future<String>> ids = new ArrayList<>();
                for (Database db : dbs) {
                    ids.add(threads.submit(() -> {
                        together.await();
                        return InstanceId.resolve(Optional.empty(), db, new SettingsTable(new Timestamps(Clock.systemUTC())));
                    }));
                }
                Set<String> answered = new HashSet<>();
                for (Future<String> id : ids) {
                    answered.add(id.get());
                }
                String kept = dbs.get(0).read(connection -> new SettingsTable(new Timestamps(Clock.systemUTC()))
                        .get(connection, "instance_id")).orElseThrow();
                assertEquals(Set.of(kept), answered, "round " + round);
            } finally {
                threads.shutdownNow();
                dbs.forEach(Database::close);
            }
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
