package coinpurse.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The retry delays at the two ends of their jitter, the random pinned: within 10 s, at most doubling, up to an hour. */
class RetryScheduleTest {
    /** nextDouble() of 0. */
    private static final RandomGenerator LOWEST = () -> 0L;
    /** nextDouble() just under 1. */
    private static final RandomGenerator HIGHEST = () -> -1L;

    @Test
    void theFirstRetryComesFiveToTenSecondsLater() {
        assertEquals(Duration.ofSeconds(5), new RetrySchedule(LOWEST).delayAfter(Optional.empty()));
        Duration longest = new RetrySchedule(HIGHEST).delayAfter(Optional.empty());
        assertTrue(longest.compareTo(Duration.ofSeconds(10)) <= 0 && longest.toMillis() >= 9_999, longest.toString());
    }

    @Test
    void eachDelayIsOneAndAHalfToTwiceTheOneBeforeUntilTheHour() {
        assertEquals(Duration.ofSeconds(15), new RetrySchedule(LOWEST).delayAfter(Optional.of(Duration.ofSeconds(10))));
        Duration most = new RetrySchedule(HIGHEST).delayAfter(Optional.of(Duration.ofSeconds(10)));
        assertTrue(most.toMillis() >= 19_999 && most.toMillis() <= 20_000, most.toString());
    }

    @Test
    void atTheHourTheDelayStaysBetweenFortyFiveAndSixtyMinutes() {
        Duration previous = Duration.ofMinutes(50);
        assertEquals(Duration.ofHours(1), new RetrySchedule(LOWEST).delayAfter(Optional.of(previous)));
        Duration shortest = new RetrySchedule(HIGHEST).delayAfter(Optional.of(previous));
        assertTrue(shortest.compareTo(Duration.ofMinutes(45)) >= 0 && shortest.compareTo(Duration.ofMinutes(46)) < 0,
                shortest.toString());
        for (RandomGenerator random : new RandomGenerator[] {LOWEST, HIGHEST, new java.util.Random(7)}) {
            Duration delay = null;
            for (int i = 0; i < 40; i++) {
                Duration next = new RetrySchedule(random).delayAfter(Optional.ofNullable(delay));
                assertTrue(next.compareTo(Duration.ofHours(1)) <= 0, next.toString());
                assertTrue(delay == null || next.toMillis() <= 2 * delay.toMillis(), delay + " then " + next);
                delay = next;
            }
        }
    }

    @Test
    void anEventIsTriedForThreeDaysFromItsCreation() {
        Instant created = Instant.parse("2026-12-01T10:00:00.000Z");
        assertEquals(Instant.parse("2026-12-04T10:00:00.000Z"), new RetrySchedule(LOWEST).deadline(created));
    }
}
