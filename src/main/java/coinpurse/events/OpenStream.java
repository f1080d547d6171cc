package coinpurse.events;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's stream of one user's events: it hands the client each sequence after {@code after}
 * exactly once, in order. Live events come from the poller ({@link #offer}); whatever the poller
 * cannot give in order (the events before the stream was registered, a resume's history, a gap) is
 * read from the database ({@link EventFeed#ofUserAfter}) before more live events are taken. So there
 * is no duplicate and no gap where the backfill meets the live events.
 *
 * <p>Writes run on the shared writers, one at a time per stream, never on the poller, so a client
 * that reads slowly holds up only itself. At most {@code buffer} live events wait for it (and one
 * page of backfill). When one more comes while a write to it has been blocked for longer than
 * {@code stall}, the client is not reading: the stream is dropped, and the client resumes with
 * {@code Last-Event-ID}. When its writes are moving (a burst of events), the stream takes no more
 * live events and reads the rest from the database once the waiting ones are written. A write
 * blocked for longer than the hub allows drops the stream too.
 */
public final class OpenStream {
    private static final Logger log = LoggerFactory.getLogger(OpenStream.class);
    /** Events read from the database at once, when the stream must catch up. */
    static final int CATCH_UP_PAGE = 100;

    private final String userId;
    private final Instant until;
    private final StreamSink sink;
    private final EventFeed feed;
    private final Executor writers;
    private final int buffer;
    private final long stallNanos;
    private final Consumer<OpenStream> onEnded;

    // Guarded by this.
    private final ArrayDeque<AppEvent> waiting = new ArrayDeque<>();
    private long last;
    private boolean behind = true;
    private boolean heartbeatDue;
    private boolean pumping;
    private boolean ended;
    /** {@code System.nanoTime()} when the write under way began; 0 when none is. */
    private volatile long writingSince;

    OpenStream(String userId, long after, Instant until, StreamSink sink, EventFeed feed, Executor writers,
            int buffer, long stallNanos, Consumer<OpenStream> onEnded) {
        this.until = until;
        this.stallNanos = stallNanos;
        this.userId = userId;
        this.last = after;
        this.sink = sink;
        this.feed = feed;
        this.writers = writers;
        this.buffer = buffer;
        this.onEnded = onEnded;
    }

    String userId() {
        return userId;
    }

    /** When the token the stream was opened with stops being accepted: the stream ends then. */
    Instant until() {
        return until;
    }

    /** Starts the backfill: the events after {@code after} that are already stored. */
    void start() {
        schedule();
    }

    /** An event of this user, from the poller, in the user's order. */
    void offer(AppEvent event) {
        int full = -1;
        synchronized (this) {
            if (ended || event.sequence() <= last) {
                return;
            }
            if (event.sequence() == last + 1 && !behind && waiting.size() < buffer) {
                waiting.add(event);
                last = event.sequence();
            } else if (stuck(System.nanoTime(), stallNanos)) {
                full = waiting.size(); // it cannot wait here, and the client does not read
            } else {
                behind = true; // a gap, or a burst: the events from here come from the database
            }
        }
        if (full >= 0) {
            drop("it does not read: a write to it is blocked, and " + full + " events wait for it");
        } else {
            schedule();
        }
    }

    /** Time for a comment line, which keeps the connection open through proxies. */
    void heartbeat() {
        synchronized (this) {
            heartbeatDue = true;
        }
        schedule();
    }

    /** True when a write has been blocked for more than {@code limitNanos}. */
    boolean stuck(long nowNanos, long limitNanos) {
        long since = writingSince;
        return since != 0 && nowNanos - since > limitNanos;
    }

    /**
     * The client went away (a write failed, or the connection closed). The connection is cut too: a
     * write that failed (Jetty's idle timeout on a blocked write, say) may leave it open, and a
     * client reading it again would wait there for events that never come.
     */
    public void clientGone() {
        if (end()) {
            sink.abort();
            onEnded.accept(this);
        }
    }

    /** Cuts the client off: it does not read. */
    void drop(String why) {
        if (end()) {
            log.info("event stream of user {} dropped: {}", userId, why);
            sink.abort();
            onEnded.accept(this);
        }
    }

    /** Cuts the client off without a word in the log: its token expired, or the server stops (the hub says so once). */
    void stop() {
        if (end()) {
            sink.abort();
            onEnded.accept(this);
        }
    }

    private synchronized boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        waiting.clear();
        return true;
    }

    private void schedule() {
        synchronized (this) {
            if (pumping || ended) {
                return;
            }
            pumping = true;
        }
        try {
            writers.execute(this::pump);
        } catch (RejectedExecutionException stopping) {
            synchronized (this) {
                pumping = false;
            }
        }
    }

    private void pump() {
        try {
            while (step()) {
                // one event, comment or backfill page per step
            }
        } catch (RuntimeException e) {
            log.warn("event stream of user {} failed: {}", userId, e.toString());
            drop("it failed");
        }
    }

    private boolean step() {
        AppEvent event;
        long from = 0;
        boolean catchUp = false;
        synchronized (this) {
            event = ended ? null : waiting.poll();
            if (ended || event == null && !heartbeatDue && !behind) {
                pumping = false;
                return false;
            }
            if (event == null && heartbeatDue) {
                heartbeatDue = false;
            } else if (event == null) {
                behind = false;
                catchUp = true;
                from = last;
            }
        }
        if (catchUp) {
            return catchUp(from);
        }
        AppEvent sent = event;
        boolean written = write(() -> sent == null ? sink.comment("") : sink.send(sent));
        if (!written) {
            clientGone();
        }
        return written;
    }

    private boolean catchUp(long from) {
        List<AppEvent> page;
        try {
            page = feed.ofUserAfter(userId, from, CATCH_UP_PAGE);
        } catch (RuntimeException e) {
            // The database does not answer: the next live event or heartbeat tries again.
            log.warn("event stream of user {} cannot read its events: {}", userId, e.toString());
            synchronized (this) {
                behind = true;
                pumping = false;
            }
            return false;
        }
        synchronized (this) {
            for (AppEvent stored : page) {
                if (stored.sequence() == last + 1) {
                    waiting.add(stored);
                    last = stored.sequence();
                }
            }
            if (page.size() == CATCH_UP_PAGE) {
                behind = true;
            }
        }
        return true;
    }

    private boolean write(BooleanSupplier write) {
        writingSince = System.nanoTime() | 1;
        try {
            return write.getAsBoolean();
        } finally {
            writingSince = 0;
        }
    }
}
