package coinpurse.events;

import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * One event as the web app receives it, pushed, pulled or streamed: {@code sequence} counts the
 * user's events from 1 without gaps; {@code data} is the ledger row, the hold, or the purchase's
 * status, as JSON.
 */
public record AppEvent(String id, String type, String createdAt, String userId, long sequence,
        @JsonRawValue String data) {}
