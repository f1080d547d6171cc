package coinpurse.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** Each SQLite connection keeps its compiled statements, and lends each to one user at a time. */
class StatementCacheTest {
    private static final String BY_ID = "SELECT name FROM things WHERE id = ?";

    @TempDir
    Path dir;
    StatementCache cache;

    @BeforeEach
    void aTableOfThings() throws SQLException {
        SQLiteDataSource sqlite = new SQLiteDataSource();
        sqlite.setUrl("jdbc:sqlite:" + dir.resolve("things.db"));
        cache = new StatementCache(sqlite, 4);
        try (Connection connection = cache.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)");
            sql.execute("INSERT INTO things VALUES (1, 'one'), (2, 'two')");
        }
    }

    @Test
    void aClosedStatementIsLentAgainForTheSameSqlOnTheSameConnection() throws SQLException {
        try (Connection connection = cache.getConnection()) {
            PreparedStatement first = connection.prepareStatement(BY_ID);
            assertEquals("one", name(first, 1));
            first.close();
            assertTrue(first.isClosed());
            assertThrows(SQLException.class, first::executeQuery, "a closed statement cannot be used");

            PreparedStatement second = connection.prepareStatement(BY_ID);
            assertSame(first, second, "the compiled statement is reused");
            assertFalse(second.isClosed());
            assertEquals("two", name(second, 2));
            second.close();
        }
        try (Connection other = cache.getConnection(); PreparedStatement mine = other.prepareStatement(BY_ID)) {
            assertEquals("one", name(mine, 1), "another connection compiles its own");
        }
    }

    @Test
    void aStatementInUseIsNeverLentTwice() throws SQLException {
        try (Connection connection = cache.getConnection();
                PreparedStatement outer = connection.prepareStatement(BY_ID);
                PreparedStatement inner = connection.prepareStatement(BY_ID)) {
            assertNotSame(outer, inner);
            outer.setLong(1, 1);
            try (ResultSet outerRows = outer.executeQuery()) {
                assertTrue(outerRows.next());
                assertEquals("two", name(inner, 2));
                assertEquals("one", outerRows.getString(1), "the outer query is undisturbed");
            }
        }
    }

    @Test
    void givingAStatementBackClosesTheResultSetItsUserLeftOpenAndClearsItsParameters() throws SQLException {
        try (Connection connection = cache.getConnection()) {
            PreparedStatement query = connection.prepareStatement(BY_ID);
            query.setLong(1, 1);
            ResultSet leftOpen = query.executeQuery();
            assertTrue(leftOpen.next());
            query.close();
            assertTrue(leftOpen.isClosed());

            try (PreparedStatement again = connection.prepareStatement(BY_ID);
                    ResultSet rows = again.executeQuery()) {
                assertSame(query, again);
                assertFalse(rows.next(), "no parameter is left bound: id = NULL matches nothing");
            }
        }
    }

    @Test
    void theLeastRecentlyUsedStatementIsDroppedBeyondTheCapacity() throws SQLException {
        try (Connection connection = cache.getConnection()) {
            PreparedStatement first = connection.prepareStatement(BY_ID);
            first.close();
            for (int i = 0; i < 4; i++) {
                connection.prepareStatement("SELECT " + i + " FROM things").close();
            }
            try (PreparedStatement again = connection.prepareStatement(BY_ID)) {
                assertNotSame(first, again, "compiled anew after it was dropped");
                assertEquals("one", name(again, 1));
            }
        }
    }

    private static String name(PreparedStatement query, long id) throws SQLException {
        query.setLong(1, id);
        try (ResultSet rows = query.executeQuery()) {
            assertTrue(rows.next());
            return rows.getString(1);
        }
    }
}
