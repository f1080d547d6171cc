package coinpurse.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that stands still until a test moves it: time-dependent behaviour without waiting. */
public final class MovableClock extends Clock {
    private final AtomicReference<Instant> now;

    public MovableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** A clock at the present moment, to the millisecond. */
    public static MovableClock atNow() {
        return new MovableClock(Instant.ofEpochMilli(System.currentTimeMillis()));
    }

    /** Moves the clock on by {@code by}; returns the new now. */
    public Instant advance(Duration by) {
        return now.updateAndGet(instant -> instant.plus(by));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a movable clock is UTC");
    }
}
