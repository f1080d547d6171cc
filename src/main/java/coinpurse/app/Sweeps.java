package coinpurse.app;

import coinpurse.checkout.CheckoutRateLimiter;
import coinpurse.db.Database;
import coinpurse.holds.HoldService;
import coinpurse.threads.DaemonThreads;
import coinpurse.wallet.CoinBook;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens at a deadline while nobody asks: a grant's coins expire, a hold expires. Reads
 * already leave them out from the deadline on; the sweep writes their rows (the {@code expired}
 * ledger row, the hold's status) soon after, on every instance, each once (the rows' own locks and
 * states decide), and after a restart picks up whatever came due while the server was down. Once a
 * minute it also deletes the checkout attempts that have left the rate limit's window (one DELETE:
 * the rows of users who never come back would stay for ever).
 */
public final class Sweeps implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sweeps.class);
    /** How many users or holds one sweep handles; the next sweep takes the rest. */
    private static final int BATCH = 200;
    /** How often old checkout attempts are deleted, on the clock: nothing needs them gone sooner. */
    private static final Duration ATTEMPTS_EVERY = Duration.ofMinutes(1);

    private final Database db;
    private final CoinBook coins;
    private final HoldService holds;
    private final CheckoutRateLimiter checkoutLimit;
    private final Clock clock;
    /** When old checkout attempts were last deleted; null before the first sweep. */
    private final AtomicReference<Instant> attemptsSwept = new AtomicReference<>();
    private ScheduledExecutorService scheduler;

    public Sweeps(Database db, CoinBook coins, HoldService holds, CheckoutRateLimiter checkoutLimit, Clock clock) {
        this.db = db;
        this.coins = coins;
        this.holds = holds;
        this.checkoutLimit = checkoutLimit;
        this.clock = clock;
    }

    /** Sweeps every {@code interval} on a thread of its own, until {@link #close}. */
    public synchronized void start(Duration interval) {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("coinpurse-sweeps"));
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * One sweep: expires the lots and holds whose time has come, and, if a minute has passed since it
     * last did, deletes the checkout attempts older than the rate limit's window; answers how many rows
     * it wrote or deleted.
     */
    public int sweepOnce() {
        int written = 0;
        List<String> users = db.read(connection -> coins.usersWithDueLots(connection, BATCH));
        for (String user : users) {
            written += db.inTransaction(connection -> coins.expireDue(connection, user)).size();
        }
        return written + holds.expireDue(BATCH) + forgetOldAttemptsWhenDue();
    }

    private int forgetOldAttemptsWhenDue() {
        Instant now = clock.instant();
        Instant last = attemptsSwept.get();
        boolean due = last == null || !now.isBefore(last.plus(ATTEMPTS_EVERY));
        // Two sweeps at once (the scheduled one and one run by hand) delete once.
        if (!due || !attemptsSwept.compareAndSet(last, now)) {
            return 0;
        }
        return checkoutLimit.forgetExpired();
    }

    private void sweepQuietly() {
        try {
            sweepOnce();
        } catch (RuntimeException e) {
            // The next sweep tries again; a database that is down is reported by the requests too.
            log.warn("the sweep of due lots, holds and old checkout attempts failed: {}", e.toString());
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
