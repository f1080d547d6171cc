package coinpurse.events;

import coinpurse.auth.InternalAuth;
import coinpurse.http.ApiException;
import io.javalin.http.Context;
import java.util.List;

/**
 * {@code GET /api/internal/events?after=ID&limit=N}, for the web app's server to catch up: events in
 * the order they committed, after the event {@code after} (from the first without it). A reader that
 * asks again with {@code after=next_after} never misses one.
 */
public final class EventsController {
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;
    private static final int MAX_ID_LENGTH = 40;

    /** A page: {@code next_after} is the last event's id, or the {@code after} given when the page is empty. */
    public record Page(List<AppEvent> events, String nextAfter) {}

    private final InternalAuth auth;
    private final EventFeed feed;

    public EventsController(InternalAuth auth, EventFeed feed) {
        this.auth = auth;
        this.feed = feed;
    }

    public void list(Context ctx) {
        auth.require(ctx);
        int limit = limitOf(ctx.queryParam("limit"));
        String after = ctx.queryParam("after");
        EventFeed.Cursor from = EventFeed.Cursor.START;
        if (after != null) {
            if (after.isEmpty() || after.length() > MAX_ID_LENGTH || !after.chars().allMatch(c -> c > 32 && c < 127)) {
                throw ApiException.badRequest("after must be the id of an event (evt_…).");
            }
            from = feed.cursorAfter(after).orElseThrow(() ->
                    ApiException.badRequest("after names no event here: " + after + "."));
        }
        List<AppEvent> events = feed.after(from, limit).stream().map(EventFeed.Placed::event).toList();
        ctx.json(new Page(events, events.isEmpty() ? after : events.get(events.size() - 1).id()));
    }

    private static int limitOf(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT + ".");
    }
}
