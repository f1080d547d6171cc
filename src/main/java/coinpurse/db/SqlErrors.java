package coinpurse.db;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Recognises constraint violations across backends. */
public final class SqlErrors {
    private static final String ANSI_UNIQUE_VIOLATION = "23505";

    private SqlErrors() {}

    public static boolean isUniqueViolation(SQLException e) {
        if (e instanceof SQLiteException sqlite) {
            SQLiteErrorCode code = sqlite.getResultCode();
            return code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                    || code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY;
        }
        return ANSI_UNIQUE_VIOLATION.equals(e.getSQLState());
    }
}
