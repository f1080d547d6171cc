package coinpurse.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventIdsTest {
    @Test
    void anIdIsEvtAnd32HexDigitsThatBeginWithTheMillisecond() {
        String id = EventIds.next(Instant.parse("2026-12-07T08:00:00.123456Z"));

        assertTrue(id.matches("evt_[0-9a-f]{32}"), id);
        assertEquals(Long.toHexString(Instant.parse("2026-12-07T08:00:00.123Z").toEpochMilli()),
                id.substring(4, 16).replaceFirst("^0+", ""));
    }

    /** Time first, so that a new id lands beside the last ones in the index on ids. */
    @Test
    void idsOfLaterMillisecondsSortAfterEarlierOnes() {
        Instant start = Instant.parse("2026-12-07T08:00:00Z");
        String previous = EventIds.next(start);
        for (int ms = 1; ms <= 1000; ms++) {
            String next = EventIds.next(start.plusMillis(ms));
            assertTrue(next.compareTo(previous) > 0, previous + " then " + next);
            previous = next;
        }
    }

    @Test
    void idsOfOneMillisecondDifferInTheirRandomPart() {
        Instant now = Instant.parse("2026-12-07T08:00:00Z");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(EventIds.next(now));
        }
        assertEquals(10_000, ids.size());
        assertNotEquals(EventIds.next(now).substring(16), EventIds.next(now).substring(16));
    }
}
