package coinpurse.events;

import java.time.Duration;

/**
 * How the buyer's streams run: how often this instance looks for new events ({@code poll}); the
 * comment that keeps an idle stream open ({@code heartbeat}); how many events may wait for a client
 * ({@code buffer}); how long a write to a client must have been blocked for it to count as not
 * reading when one more event cannot wait ({@code stall}); and how long a write may be blocked at
 * all ({@code writeTimeout}). Tests change them.
 */
public record StreamTimings(Duration poll, Duration heartbeat, int buffer, Duration stall, Duration writeTimeout) {
    /**
     * Production's: a new event on a stream within about 200 ms, a comment every 15 s (the SPEC's).
     * A stall of 2 s, not less: a busy machine can leave a writer unscheduled for a few hundred ms.
     */
    public static final StreamTimings DEFAULT = new StreamTimings(Duration.ofMillis(200), Duration.ofSeconds(15),
            256, Duration.ofSeconds(2), Duration.ofSeconds(10));

    public StreamTimings {
        for (Duration duration : new Duration[] {poll, heartbeat, stall, writeTimeout}) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("stream timings must be positive: " + duration);
            }
        }
        if (buffer < 1) {
            throw new IllegalArgumentException("a stream's buffer must hold an event: " + buffer);
        }
    }

    public StreamTimings withHeartbeat(Duration every) {
        return new StreamTimings(poll, every, buffer, stall, writeTimeout);
    }

    public StreamTimings withBuffer(int events) {
        return new StreamTimings(poll, heartbeat, events, stall, writeTimeout);
    }

    public StreamTimings withWriteTimeout(Duration limit) {
        return new StreamTimings(poll, heartbeat, buffer, stall, limit);
    }
}
