package coinpurse.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    private static final DateTimeFormatter GENERAL =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** From year -1000 to 12000: the digit-by-digit years, and the formatter's own beyond them. */
    @Property(tries = 2000)
    void writesWhatTheGeneralFormatterWrites(@ForAll @LongRange(min = -93_700_000_000_000L, max = 316_500_000_000_000L)
            long epochMillis, @ForAll @LongRange(min = 0, max = 999_999) long nanosBelowTheMillisecond) {
        Instant instant = Instant.ofEpochMilli(epochMillis).plusNanos(nanosBelowTheMillisecond);

        assertEquals(GENERAL.format(instant.truncatedTo(ChronoUnit.MILLIS)), Timestamps.format(instant));
    }

    @Test
    void theEdgesOfTheDigitByDigitYears() {
        for (String text : new String[] {"0001-01-01T00:00:00.000Z", "1970-01-01T00:00:00.000Z",
                "2024-02-29T23:59:59.999Z", "9999-12-31T23:59:59.999Z"}) {
            assertEquals(text, Timestamps.format(Instant.parse(text)));
        }
    }
}
