package coinpurse.audit;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** One rule the stored data must keep, checked on the audit's snapshot. */
interface Check {

    /** Adds each breach of the rule to {@code problems}; answers what it looked at. */
    Checked run(Connection connection, List<Problem> problems) throws SQLException;
}
