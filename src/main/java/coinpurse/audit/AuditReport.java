package coinpurse.audit;

import java.util.List;

/** What {@link Audit} looked at, and every problem it found; none means the database is consistent. */
public record AuditReport(List<Checked> checked, List<Problem> problems) {

    public boolean ok() {
        return problems.isEmpty();
    }
}
