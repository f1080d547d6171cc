package coinpurse.events;

import java.time.Duration;

/**
 * How the buyer's streams run: how often this instance looks for new events ({@code poll}), the
 * comment that keeps an idle stream open ({@code heartbeat}), how long one write to a client may
 * take before the client is dropped ({@code writeTimeout}), and how many events may wait for a
 * client that reads slowly before it is dropped ({@code buffer}). Tests shorten them.
 */
public record StreamTimings(Duration poll, Duration heartbeat, Duration writeTimeout, int buffer) {
    /** Production's: a new event on a stream within about 200 ms, a comment every 15 s (the SPEC's). */
    public static final StreamTimings DEFAULT =
            new StreamTimings(Duration.ofMillis(200), Duration.ofSeconds(15), Duration.ofSeconds(10), 256);

    public StreamTimings {
        if (poll.isNegative() || poll.isZero() || heartbeat.isNegative() || heartbeat.isZero()
                || writeTimeout.isNegative() || writeTimeout.isZero() || buffer < 1) {
            throw new IllegalArgumentException("stream timings must be positive: " + poll + ", " + heartbeat
                    + ", " + writeTimeout + ", " + buffer);
        }
    }

    public StreamTimings withHeartbeat(Duration every) {
        return new StreamTimings(poll, every, writeTimeout, buffer);
    }

    public StreamTimings withBuffer(int events) {
        return new StreamTimings(poll, heartbeat, writeTimeout, events);
    }

    public StreamTimings withWriteTimeout(Duration limit) {
        return new StreamTimings(poll, heartbeat, limit, buffer);
    }
}
