package coinpurse.liability;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** The moment a report is asked for: ISO-8601 with its offset (UTC: {@code Z}), to the millisecond, not ahead of now. */
public final class AsOf {
    private AsOf() {}

    /**
     * {@code text} (the value of option or parameter {@code name}) as an instant, or {@code now} when null. Refuses text that is not such a time, and a
     * time after {@code now}: what commits later could still count, and the report would change.
     *
     * @throws IllegalArgumentException with a sentence for a person
     */
    public static Instant parse(String name, String text, Instant now) {
        Instant current = now.truncatedTo(ChronoUnit.MILLIS);
        if (text == null) {
            return current;
        }
        Instant asOf;
        try {
            asOf = OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 date and time in UTC, such as"
                    + " 2026-12-31T23:59:59Z.");
        }
        if (asOf.isAfter(current)) {
            throw new IllegalArgumentException(name + " " + text + " is in the future (it is " + current
                    + " here): a report of it could still change.");
        }
        return asOf;
    }
}
