package coinpurse.events;

import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The ids of the web app's events: {@code evt_} and 32 hex digits, the first 12 the time in
 * milliseconds and the other 20 random (from {@link UUID#randomUUID}, a secure source).
 * Time first so that a new id lands beside the last ones in the unique index on ids, rather than on
 * a random page of it that each commit would have to write back; readers must not read order or
 * time into an id (the feed's order is the commit order, the event's time its {@code created_at}).
 */
final class EventIds {
    private static final HexFormat HEX = HexFormat.of();

    private EventIds() {}

    static String next(Instant now) {
        UUID random = UUID.randomUUID();
        return "evt_" + HEX.toHexDigits(now.toEpochMilli()).substring(4) + HEX.toHexDigits(random.getLeastSignificantBits())
                + HEX.toHexDigits((short) random.getMostSignificantBits());
    }
}
