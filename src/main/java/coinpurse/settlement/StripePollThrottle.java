package coinpurse.settlement;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Lets the status route ask Stripe about one session at most once per interval. */
public final class StripePollThrottle {
    private static final int PRUNE_ABOVE = 10_000;

    private final Duration interval;
    private final Clock clock;
    private final Map<String, Long> lastPollBySession = new ConcurrentHashMap<>();

    public StripePollThrottle(Duration interval, Clock clock) {
        this.interval = interval;
        this.clock = clock;
    }

    /** True (and remembers now) when this session was not polled within the interval. */
    public boolean tryAcquire(String sessionId) {
        long now = clock.millis();
        long cutoff = now - interval.toMillis();
        if (lastPollBySession.size() > PRUNE_ABOVE) {
            lastPollBySession.values().removeIf(last -> last <= cutoff);
        }
        boolean[] acquired = {false};
        lastPollBySession.compute(sessionId, (id, last) -> {
            if (last == null || last <= cutoff) {
                acquired[0] = true;
                return now;
            }
            return last;
        });
        return acquired[0];
    }
}
