package coinpurse.wallet;

import coinpurse.db.Database;
import coinpurse.db.DatabaseException;
import coinpurse.db.Deferred;
import coinpurse.db.Timestamps;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spends and grants coins for the web app's server, each once per idempotency key: one
 * write transaction looks the key up, checks what is available (the balance less what open holds
 * reserve), moves the coins through {@link CoinBook} and records the operation, or does none of it.
 */
public final class Wallet {
    private static final Logger log = LoggerFactory.getLogger(Wallet.class);

    private final Database db;
    private final CoinBook coins;
    private final Balances balances;
    private final WalletOperations operations;
    private final Timestamps timestamps;
    private final Counter spends;
    private final Counter coinsSpent;
    private final Counter grants;
    private final Counter coinsGranted;

    /** {@code meters}: where spends and grants are counted once committed (a replayed key is not counted again). */
    public Wallet(Database db, CoinBook coins, Balances balances, WalletOperations operations, Timestamps timestamps,
            MeterRegistry meters) {
        this.db = db;
        this.coins = coins;
        this.balances = balances;
        this.operations = operations;
        this.timestamps = timestamps;
        spends = Counter.builder("coinpurse.spends").description("Spends by the web app's server")
                .register(meters);
        coinsSpent = Counter.builder("coinpurse.coins.spent").description("Coins spent").register(meters);
        grants = Counter.builder("coinpurse.grants").description("Grants by the web app's server")
                .register(meters);
        coinsGranted = Counter.builder("coinpurse.coins.granted").description("Coins granted").register(meters);
    }

    /**
     * Applies {@code operation}, or answers what it got the first time if its key was seen.
     *
     * @throws InsufficientFundsException a spend larger than what is available; nothing is written
     * @throws IdempotencyConflictException the key was used for a different operation
     * @throws ExpiryInThePastException a new grant whose {@code expires_at} has come already
     */
    public WalletReceipt apply(WalletOperation operation) {
        try {
            Outcome outcome = db.inTransaction(connection -> applyOnce(connection, operation));
            if (outcome.written()) {
                count(operation);
                log.info("wallet {} user={} amount={} key={} entry={} balance={}", operation.kind().value(),
                        operation.userId(), operation.amount(), operation.idempotencyKey(),
                        outcome.receipt().entryId(), outcome.receipt().balance());
            }
            return outcome.receipt();
        } catch (DuplicateOperationException | DatabaseException raced) {
            if (raced instanceof DatabaseException failed && !WalletOperations.isDuplicate(failed)) {
                throw failed;
            }
            // Another transaction recorded the key after our lookup. The key's lock (and BEGIN
            // IMMEDIATE on SQLite) rules this out; the primary key is the backstop. Ours rolled
            // back; its answer stands.
            return db.read(connection -> operations.find(connection, operation.idempotencyKey()))
                    .map(recorded -> replay(recorded, operation))
                    .orElseThrow(() -> new IllegalStateException(
                            "idempotency key conflicted but is not recorded: " + operation.idempotencyKey()));
        }
    }

    private record Outcome(WalletReceipt receipt, boolean written) {}

    /** Counts an operation that inTransaction returned, so committed. */
    private void count(WalletOperation operation) {
        if (operation.kind() == WalletOperation.Kind.SPEND) {
            spends.increment();
            coinsSpent.increment(operation.amount());
        } else {
            grants.increment();
            coinsGranted.increment(operation.amount());
        }
    }

    private Outcome applyOnce(Connection connection, WalletOperation operation) throws SQLException {
        // The key is looked up before the balance: a repeated spend answers as it did then,
        // even if the balance would no longer cover it.
        operations.lock(connection, operation.idempotencyKey());
        Optional<WalletOperations.Recorded> recorded = operations.find(connection, operation.idempotencyKey());
        if (recorded.isPresent()) {
            return new Outcome(replay(recorded.get(), operation), false);
        }
        LedgerEntry entry;
        if (operation.kind() == WalletOperation.Kind.SPEND) {
            // The user's lock, what is available and the locked account: one round trip on PostgreSQL,
            // and the account read once (the spend works on what open answered).
            coins.lockUser(connection, operation.userId());
            Deferred.Later<Balance> balance = balances.later(connection, operation.userId(), timestamps.now());
            Account account = coins.open(connection, operation.userId());
            long available = balance.get().available();
            if (available < operation.amount()) {
                throw new InsufficientFundsException(operation.userId(), available, operation.amount());
            }
            entry = coins.spend(connection, account, operation.amount(), Reasons.SPEND, operation.idempotencyKey(),
                    false);
        } else {
            String expiresAt = null;
            if (operation.expiresAt() != null) {
                expiresAt = Timestamps.format(operation.expiresAt());
                if (expiresAt.compareTo(timestamps.now()) <= 0) {
                    throw new ExpiryInThePastException(expiresAt);
                }
            }
            entry = coins.grant(connection, operation.userId(), operation.amount(), expiresAt,
                    operation.idempotencyKey());
        }
        operations.record(connection, operation, entry);
        return new Outcome(new WalletReceipt(operation.userId(), entry.balanceAfter(), entry.id(), entry.paid(),
                entry.bonus()), true);
    }

    private static WalletReceipt replay(WalletOperations.Recorded recorded, WalletOperation operation) {
        if (!recorded.operation().equals(operation)) {
            throw new IdempotencyConflictException(operation.idempotencyKey());
        }
        return recorded.receipt();
    }
}
