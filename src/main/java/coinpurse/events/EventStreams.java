package coinpurse.events;

import coinpurse.threads.DaemonThreads;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's open event streams, and the one poller that feeds them: every {@code poll} it
 * reads the settled events after where it stands ({@link EventFeed#after}, in commit order, written
 * by this instance or another on the same database) and offers each to the open streams of its
 * user. While no stream is open it reads nothing; the first stream to open sets it at the feed's
 * end, and that stream's own backfill covers what came before.
 *
 * <p>An open stream holds no thread: the poller, the heartbeat and the check for stuck writes (and
 * for streams whose token has expired) share
 * one scheduler thread, and writes run on a few shared writer threads that exist only while there
 * is something to write.
 */
public final class EventStreams implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
    /** Events read by the poller at once; it reads on until a page is not full. */
    private static final int POLL_PAGE = 500;
    /** Writes to clients at once, in all; a writer that sat idle this long ends. */
    private static final int WRITERS = 16;
    private static final long WRITER_IDLE_SECONDS = 30;

    private final EventFeed feed;
    private final StreamTimings timings;
    private final Clock clock;
    private final Map<String, Set<OpenStream>> byUser = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    /** Held while the poller reads and offers, and while a stream is registered. */
    private final Object pollLock = new Object();

    // Guarded by pollLock.
    /** Where the poller stands; null while no stream is open (it reads nothing then). */
    private EventFeed.Cursor cursor;
    private ScheduledExecutorService scheduler;
    private ThreadPoolExecutor writers;
    private boolean closed;
    /** Whether the last poll failed (the scheduler thread's own). */
    private boolean failing;

    /** {@code clock}: what a stream's token expiry is compared with (the app's one clock). */
    public EventStreams(EventFeed feed, StreamTimings timings, Clock clock) {
        this.feed = feed;
        this.timings = timings;
        this.clock = clock;
    }

    /**
     * Opens a stream of {@code userId}'s events after sequence {@code after} into {@code sink}: first
     * those already stored, then each as it is committed, here or on another instance; until
     * {@code until}, when the token it was opened with is no longer accepted.
     *
     * @throws IllegalStateException the server is stopping
     */
    public OpenStream open(String userId, long after, Instant until, StreamSink sink) {
        OpenStream stream;
        synchronized (pollLock) {
            if (closed) {
                throw new IllegalStateException("the server is stopping");
            }
            startThreads();
            if (cursor == null) {
                cursor = feed.end();
            }
            stream = new OpenStream(userId, after, until, sink, feed, writers, timings.buffer(),
                    timings.stall().toNanos(), this::remove);
            byUser.computeIfAbsent(userId, user -> ConcurrentHashMap.newKeySet()).add(stream);
            open.incrementAndGet();
        }
        stream.start();
        return stream;
    }

    /** How many streams are open on this instance now. */
    public int openStreams() {
        return open.get();
    }

    private void startThreads() {
        if (scheduler != null) {
            return;
        }
        writers = new ThreadPoolExecutor(WRITERS, WRITERS, WRITER_IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), DaemonThreads.numbered("coinpurse-stream-writer"));
        writers.allowCoreThreadTimeOut(true);
        scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.numbered("coinpurse-streams"));
        long poll = timings.poll().toNanos();
        scheduler.scheduleWithFixedDelay(this::pollQuietly, poll, poll, TimeUnit.NANOSECONDS);
        long heartbeat = timings.heartbeat().toNanos();
        scheduler.scheduleAtFixedRate(() -> streams().forEach(OpenStream::heartbeat), heartbeat, heartbeat,
                TimeUnit.NANOSECONDS);
        long check = Math.max(timings.writeTimeout().toNanos() / 4, TimeUnit.MILLISECONDS.toNanos(10));
        scheduler.scheduleWithFixedDelay(this::dropStuckOrExpired, check, check, TimeUnit.NANOSECONDS);
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            // The database does not answer: the next poll tries again from where this one stood.
            if (!failing) {
                log.warn("event streams cannot read new events (trying again every {} ms): {}",
                        timings.poll().toMillis(), e.toString());
            }
            failing = true;
        }
    }

    private void poll() {
        synchronized (pollLock) {
            if (byUser.isEmpty()) {
                cursor = null;
                return;
            }
            List<EventFeed.Placed> page;
            do {
                page = feed.after(cursor, POLL_PAGE);
                for (EventFeed.Placed placed : page) {
                    cursor = placed.cursor();
                    Set<OpenStream> streams = byUser.get(placed.event().userId());
                    if (streams != null) {
                        streams.forEach(stream -> stream.offer(placed.event()));
                    }
                }
            } while (page.size() == POLL_PAGE);
            if (failing) {
                log.info("event streams read new events again");
                failing = false;
            }
        }
    }

    private void dropStuckOrExpired() {
        long now = System.nanoTime();
        long limit = timings.writeTimeout().toNanos();
        Instant at = clock.instant();
        for (OpenStream stream : streams()) {
            if (!at.isBefore(stream.until())) {
                stream.stop();
            } else if (stream.stuck(now, limit)) {
                stream.drop("a write has waited more than " + timings.writeTimeout().toMillis() + " ms");
            }
        }
    }

    private List<OpenStream> streams() {
        List<OpenStream> all = new ArrayList<>(open.get());
        byUser.values().forEach(all::addAll);
        return all;
    }

    private void remove(OpenStream stream) {
        byUser.computeIfPresent(stream.userId(), (user, streams) -> {
            if (streams.remove(stream)) {
                open.decrementAndGet();
            }
            return streams.isEmpty() ? null : streams;
        });
    }

    /** Ends every open stream (their clients resume elsewhere or after the restart) and the threads. */
    @Override
    public void close() {
        synchronized (pollLock) {
            closed = true;
        }
        List<OpenStream> ending = streams();
        ending.forEach(OpenStream::stop);
        if (!ending.isEmpty()) {
            log.info("ended {} event stream(s): the server stops", ending.size());
        }
        synchronized (pollLock) {
            if (scheduler != null) {
                scheduler.shutdownNow();
                writers.shutdownNow();
            }
        }
    }

}
