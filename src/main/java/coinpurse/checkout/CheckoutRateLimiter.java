package coinpurse.checkout;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** At most N checkout sessions per user in any 60 s window, so one account cannot flood Stripe. */
public final class CheckoutRateLimiter {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final int perMinute;
    private final Clock clock;
    private final Map<String, Deque<Long>> recentByUser = new ConcurrentHashMap<>();

    public CheckoutRateLimiter(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** Empty when the user may go ahead (and counts it); else how long to wait. */
    public Optional<Duration> tryAcquire(String userId) {
        long now = clock.millis();
        Deque<Long> recent = recentByUser.computeIfAbsent(userId, id -> new ArrayDeque<>());
        synchronized (recent) {
            while (!recent.isEmpty() && recent.peekFirst() <= now - WINDOW.toMillis()) {
                recent.pollFirst();
            }
            if (recent.size() >= perMinute) {
                return Optional.of(Duration.ofMillis(recent.peekFirst() + WINDOW.toMillis() - now));
            }
            recent.addLast(now);
            return Optional.empty();
        }
    }
}
