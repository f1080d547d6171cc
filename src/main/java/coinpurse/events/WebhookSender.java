package coinpurse.events;

import coinpurse.db.Database;
import coinpurse.threads.DaemonThreads;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes events to {@code events.webhook_url}, signed by Standard Webhooks: each user's in
 * {@code sequence} order (the next only once the one before was answered 2xx or given up), the users
 * side by side on a few workers, so that one user's failing events never hold back another's.
 * A failed attempt is retried on {@link RetrySchedule}'s delays for 3 days. Work is claimed in the
 * database with a lease ({@link Deliveries}), so it survives restarts and {@code kill -9}, and two
 * instances never send one event at the same time. Every decision of time reads the given clock.
 *
 * <p>{@code serve} {@link #start}s it: a loop that asks every {@value #POLL_MILLIS} ms whether
 * anything is due (one indexed read when nothing is), and at once when a worker finishes (the
 * user's next event is then due). Tests call {@link #deliverDue} instead.
 */
public final class WebhookSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    static final int POLL_MILLIS = 250;
    static final int WORKERS = 4;
    /** How long an attempt waits for the receiver's answer. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long a claim holds: past an attempt's timeout, so that only a sender that died loses it. */
    static final Duration LEASE = Duration.ofSeconds(30);
    /**
     * How many of one user's events a worker of the loop sends in a row: each 2xx claims the user's
     * next event in the same transaction, then the worker gives the other users a turn.
     */
    static final int IN_A_ROW = 16;
    /** The most events {@link #deliverDue} claims at once. */
    private static final int BATCH = 100;

    private final Deliveries deliveries;
    private final WebhookClient client;
    private final RetrySchedule schedule;
    private final Clock clock;
    private final DeliveryMetrics metrics;
    private final String target;
    private final ExecutorService workers;
    private final Semaphore idleWorkers = new Semaphore(WORKERS);
    private final Object wakeUp = new Object();
    /** A worker finished since the loop last looked (guarded by {@link #wakeUp}). */
    private boolean woken;
    private final AtomicBoolean failing = new AtomicBoolean();
    private Thread loop;
    private volatile boolean closed;

    WebhookSender(Deliveries deliveries, WebhookClient client, RetrySchedule schedule, Clock clock,
            DeliveryMetrics metrics, String target) {
        this.deliveries = deliveries;
        this.client = client;
        this.schedule = schedule;
        this.clock = clock;
        this.metrics = metrics;
        this.target = target;
        this.workers = Executors.newFixedThreadPool(WORKERS, DaemonThreads.numbered("coinpurse-webhooks"));
    }

    /** A sender to {@code url} with {@code secret}, on {@code clock}, its retries jittered by {@code random}. */
    public static WebhookSender create(Database db, String url, String secret, Clock clock, RandomGenerator random,
            MeterRegistry meters) {
        return create(db, url, secret, clock, random, meters, TIMEOUT);
    }

    /** As {@link #create(Database, String, String, Clock, RandomGenerator, MeterRegistry)}, waiting {@code timeout} for answers. */
    static WebhookSender create(Database db, String url, String secret, Clock clock, RandomGenerator random,
            MeterRegistry meters, Duration timeout) {
        Deliveries deliveries = new Deliveries(db);
        URI uri = URI.create(url);
        return new WebhookSender(deliveries, new WebhookClient(uri, new StandardWebhooks(secret), timeout),
                new RetrySchedule(random), clock, new DeliveryMetrics(meters, deliveries, clock),
                uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort()));
    }

    /** Starts pushing on a thread of its own, until {@link #close}. */
    public synchronized void start() {
        if (loop != null || closed) {
            return;
        }
        loop = DaemonThreads.of(this::run, "coinpurse-webhooks");
        loop.start();
        log.info("pushing events to {} (events.webhook_url), signed with events.webhook_secret", target);
    }

    /**
     * Claims the events due now (each user's next, if its time has come) and sends them, side by
     * side; returns once each was answered and its result recorded: how many were attempted.
     */
    public int deliverDue() throws InterruptedException {
        Instant now = clock.instant();
        List<Deliveries.Claimed> claimed = deliveries.claim(now, now.plus(LEASE), BATCH);
        List<Future<?>> attempts = new ArrayList<>();
        for (Deliveries.Claimed event : claimed) {
            attempts.add(workers.submit(() -> attemptInARow(event, 1)));
        }
        for (Future<?> attempt : attempts) {
            try {
                attempt.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("an attempt failed", e.getCause());
            }
        }
        return claimed.size();
    }

    private void run() {
        while (!closed) {
            try {
                if (!claimAndSubmit()) {
                    synchronized (wakeUp) {
                        if (!woken) {
                            wakeUp.wait(POLL_MILLIS);
                        }
                        woken = false;
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The database may be away for a moment; the requests report it too. Try again later.
                log.warn("could not look for events to push: {}", e.toString());
                pauseAfterFailure();
            }
        }
    }

    /** Claims as many due events as there are idle workers and hands them over; false when there was nothing to do. */
    private boolean claimAndSubmit() throws InterruptedException {
        int idle = idleWorkers.availablePermits();
        Instant now = clock.instant();
        if (idle == 0 || !deliveries.anyDue(now)) {
            return false;
        }
        List<Deliveries.Claimed> claimed = deliveries.claim(now, now.plus(LEASE), idle);
        for (Deliveries.Claimed event : claimed) {
            idleWorkers.acquire();
            workers.execute(() -> {
                try {
                    attemptInARow(event, IN_A_ROW);
                } finally {
                    idleWorkers.release();
                    synchronized (wakeUp) {
                        woken = true;
                        wakeUp.notifyAll();
                    }
                }
            });
        }
        return !claimed.isEmpty() && idleWorkers.availablePermits() > 0;
    }

    /** Sends {@code first}, then the user's next events as each is delivered, at most {@code most} in all. */
    private void attemptInARow(Deliveries.Claimed first, int most) {
        Deliveries.Claimed event = first;
        for (int sent = 1; event != null && !Thread.currentThread().isInterrupted(); sent++) {
            event = attempt(event, sent < most);
        }
    }

    /** One attempt, and its result recorded; answers the user's next event when it was claimed with the 2xx. */
    private Deliveries.Claimed attempt(Deliveries.Claimed event, boolean claimNext) {
        WebhookClient.Answer answer;
        try {
            answer = client.post(event.event(), clock.instant());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        Instant now = clock.instant();
        try {
            if (answer.delivered()) {
                Deliveries.Delivered done = deliveries.delivered(event, now,
                        claimNext ? Optional.of(now.plus(LEASE)) : Optional.empty());
                record(done.recorded(), event);
                metrics.delivered();
                if (failing.compareAndSet(true, false)) {
                    log.info("events.webhook_url answers 2xx again: pushing events to {}", target);
                }
                return done.next().orElse(null);
            }
            metrics.failed();
            if (failing.compareAndSet(false, true)) {
                log.warn("events.webhook_url did not take event {}: {}; retrying (see `coinpurse events --undelivered`)",
                        event.event().id(), answer.error());
            }
            if (!now.isBefore(schedule.deadline(event.createdAt()))) {
                record(deliveries.gaveUp(event, now, answer.error()), event);
                metrics.gaveUp();
                log.warn("gave up pushing event {} (user {}, sequence {}) after 3 days: {}; the feed still has it",
                        event.event().id(), event.event().userId(), event.event().sequence(), answer.error());
                return null;
            }
            Duration delay = schedule.delayAfter(event.lastDelay());
            Instant next = now.plus(delay);
            Instant deadline = schedule.deadline(event.createdAt());
            record(deliveries.retryAt(event, next.isAfter(deadline) ? deadline : next, delay, answer.error()), event);
        } catch (RuntimeException e) {
            // Not recorded (the database failed, or is closing): once the lease passes, the event is sent
            // again (at least once, never lost).
            if (!closed) {
                log.warn("could not record the push of event {}: {}", event.event().id(), e.toString());
            }
        }
        return null;
    }

    private static void record(boolean recorded, Deliveries.Claimed event) {
        if (!recorded) {
            log.info("event {} was taken over by another sender after its lease passed", event.event().id());
        }
    }

    private void pauseAfterFailure() {
        try {
            synchronized (wakeUp) {
                wakeUp.wait(POLL_MILLIS * 4L);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Stops the loop and the attempts in flight; what they did not record is sent again after the lease. */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = loop;
        }
        if (running != null) {
            running.interrupt();
        }
        workers.shutdownNow();
        client.close();
    }
}
