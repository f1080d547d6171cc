package coinpurse.app;

import coinpurse.db.Database;
import coinpurse.holds.HoldService;
import coinpurse.wallet.CoinBook;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens at a deadline while nobody asks: a grant's coins expire, a hold expires. Reads
 * already leave them out from the deadline on; the sweep writes their rows (the {@code expired}
 * ledger row, the hold's status) soon after, on every instance, each once (the rows' own locks and
 * states decide), and after a restart picks up whatever came due while the server was down.
 */
public final class Sweeps implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sweeps.class);
    /** How many users or holds one sweep handles; the next sweep takes the rest. */
    private static final int BATCH = 200;

    private final Database db;
    private final CoinBook coins;
    private final HoldService holds;
    private ScheduledExecutorService scheduler;

    public Sweeps(Database db, CoinBook coins, HoldService holds) {
        this.db = db;
        this.coins = coins;
        this.holds = holds;
    }

    /** Sweeps every {@code interval} on a thread of its own, until {@link #close}. */
    public synchronized void start(Duration interval) {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "coinpurse-sweeps");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** One sweep: expires the lots and holds whose time has come; answers how many rows it wrote. */
    public int sweepOnce() {
        int written = 0;
        List<String> users = db.read(connection -> coins.usersWithDueLots(connection, BATCH));
        for (String user : users) {
            written += db.inTransaction(connection -> coins.expireDue(connection, user)).size();
        }
        return written + holds.expireDue(BATCH);
    }

    private void sweepQuietly() {
        try {
            sweepOnce();
        } catch (RuntimeException e) {
            // The next sweep tries again; a database that is down is reported by the requests too.
            log.warn("the sweep of due lots and holds failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
