package coinpurse.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.config.DatabaseAccess;
import coinpurse.support.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pool's promises on PostgreSQL that the features rely on without asking. */
class PostgresPoolTest {

    /** The locks of {@link Dialect} are designed for READ COMMITTED; a server set otherwise must not change that. */
    @Test
    void everyConnectionRunsAtReadCommittedWhateverTheServersDefault() throws SQLException {
        String url = TestPostgres.server().newDatabase();
        try (Connection admin = DriverManager.getConnection(url); Statement sql = admin.createStatement()) {
            String name = single(admin, "SELECT current_database()");
            sql.execute("ALTER DATABASE " + name + " SET default_transaction_isolation = 'serializable'");
        }
        try (Connection plain = DriverManager.getConnection(url)) {
            assertEquals("serializable", single(plain, "SHOW transaction_isolation"), "the server's default");
        }

        try (PostgresDatabase db = Database.openPostgres(new DatabaseAccess(Optional.of(url), Optional.empty(),
                Optional.empty(), 3))) {
            assertEquals("read committed", db.inTransaction(connection -> single(connection, "SHOW transaction_isolation")));
            assertEquals("read committed", db.read(connection -> single(connection, "SHOW transaction_isolation")));
            assertEquals("repeatable read", db.readSnapshot(connection -> single(connection,
                    "SHOW transaction_isolation")), "a snapshot sets its own, for its transaction only");
            assertEquals("read committed", db.read(connection -> single(connection, "SHOW transaction_isolation")));
        }
    }

    @Test
    void anUnreachableServerIsOneLineNamingHostAndPortNeverThePassword() {
        DatabaseAccess nowhere = new DatabaseAccess(Optional.of("jdbc:postgresql://127.0.0.1:1/coinpurse"),
                Optional.of("coinpurse"), Optional.of("s3cret-password"), 3);

        DatabaseException refused = assertThrows(DatabaseException.class,
                () -> Database.openPostgres(nowhere));

        assertTrue(refused.getMessage().startsWith("cannot reach PostgreSQL at 127.0.0.1:1: "), refused.getMessage());
        assertEquals(1, refused.getMessage().lines().count());
        assertFalse(refused.getMessage().contains("s3cret-password"), refused.getMessage());
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement query = connection.createStatement(); ResultSet row = query.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }
}
