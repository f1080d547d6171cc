package coinpurse.audit;

import coinpurse.db.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole-database audit behind {@code verify}: every balance against its ledger, every
 * ledger chain, every purchase against its session, every refund and dispute against its
 * purchase, every spend and grant against its idempotency record. Read-only, on one snapshot
 * ({@link Database#readSnapshot}), so it is safe while the server serves and never sees half of
 * a transaction.
 */
public final class Audit {
    private final List<Check> checks = List.of(new BalanceCheck(), new LedgerChainCheck(), new PurchaseCheck(),
            new ReversalCheck(), new WalletCheck(), new MoneyCheck(), new LotCheck());

    public AuditReport run(Database db) {
        return db.readSnapshot(this::runOn);
    }

    private AuditReport runOn(Connection connection) throws SQLException {
        List<Checked> checked = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (Check check : checks) {
            checked.add(check.run(connection, problems));
        }
        return new AuditReport(List.copyOf(checked), List.copyOf(problems));
    }
}
