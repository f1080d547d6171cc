package coinpurse.db;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The time rows are stamped with, read from the one clock the app is given (so a test can move
 * it): fixed-width UTC text, so that text order is time order on every backend.
 */
public final class Timestamps {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Clock clock;

    public Timestamps(Clock clock) {
        this.clock = clock;
    }

    public String now() {
        return format(clock.instant());
    }

    /** The clock's time, for what needs it as a number (formatted, it is {@link #format}'s). */
    public Instant instant() {
        return clock.instant();
    }

    /**
     * {@code instant} as {@code yyyy-MM-dd'T'HH:mm:ss.SSS'Z'}. Written digit by digit for the years
     * 1–9999: rows are stamped several times per webhook event on the writer thread, where the
     * general formatter cost about 1 % of the CPU.
     */
    public static String format(Instant instant) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        if (time.getYear() < 1 || time.getYear() > 9999) {
            return FORMAT.format(instant.truncatedTo(ChronoUnit.MILLIS));
        }
        char[] text = "0000-00-00T00:00:00.000Z".toCharArray();
        digits(text, 0, 4, time.getYear());
        digits(text, 5, 2, time.getMonthValue());
        digits(text, 8, 2, time.getDayOfMonth());
        digits(text, 11, 2, time.getHour());
        digits(text, 14, 2, time.getMinute());
        digits(text, 17, 2, time.getSecond());
        digits(text, 20, 3, instant.getNano() / 1_000_000);
        return new String(text);
    }

    /** Writes {@code value} as {@code width} decimal digits ending at {@code text[from + width - 1]}. */
    private static void digits(char[] text, int from, int width, int value) {
        for (int i = from + width - 1; i >= from; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
