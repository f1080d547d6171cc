package coinpurse.events;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When an event that was not answered 2xx is tried again: the first retry 5 to 10 s later, each
 * following delay 1.5 to 2 times the one before, up to an hour (then 45 to 60 minutes), for 3 days
 * from the event's creation. The jitter spreads the retries of events that failed together (a
 * receiver that was down) instead of sending them back all at once; the random is given, so that
 * tests can pin it.
 */
final class RetrySchedule {
    static final Duration FIRST = Duration.ofSeconds(5);
    static final Duration CAP = Duration.ofHours(1);
    static final Duration GIVE_UP_AFTER = Duration.ofDays(3);

    private final RandomGenerator random;

    RetrySchedule(RandomGenerator random) {
        this.random = random;
    }

    /** The delay after a failed attempt, {@code previous} being the delay before it (none after the first attempt). */
    Duration delayAfter(Optional<Duration> previous) {
        if (previous.isEmpty() || previous.get().compareTo(FIRST) < 0) {
            return FIRST.plusMillis((long) (FIRST.toMillis() * random.nextDouble()));
        }
        long grown = (long) (previous.get().toMillis() * (1.5 + 0.5 * random.nextDouble()));
        if (grown < CAP.toMillis()) {
            return Duration.ofMillis(grown);
        }
        return CAP.minusMillis((long) (CAP.toMillis() * 0.25 * random.nextDouble()));
    }

    /** The last moment an event created at {@code createdAt} is tried; an attempt failing then or later gives it up. */
    Instant deadline(Instant createdAt) {
        return createdAt.plus(GIVE_UP_AFTER);
    }
}
