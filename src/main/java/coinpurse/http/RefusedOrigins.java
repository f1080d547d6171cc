package coinpurse.http;

import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says once per origin, at WARN, that a browser page there was refused: what a developer whose
 * Vite server runs on another port needs to see, without a line per request. The origins are
 * remembered up to a bound, so that a client sending a new Origin on every request grows no
 * memory; past it, one more WARN says so and further origins go to DEBUG.
 */
final class RefusedOrigins {
    private static final Logger log = LoggerFactory.getLogger(Cors.class);
    static final int MAX_REMEMBERED = 100;

    private final Set<String> warned = new HashSet<>();
    private boolean full;

    /** Logs the refusal of {@code origin} (already made safe to print) unless it was logged before. */
    synchronized void refused(String origin, String allowed) {
        if (warned.contains(origin)) {
            return;
        }
        if (warned.size() < MAX_REMEMBERED) {
            warned.add(origin);
            log.warn("CORS preflight refused origin=\"{}\": not in cors.allowed_origins ({}); add it there, or proxy the"
                    + " API through the page's own server (Vite: server.proxy)", origin, allowed);
        } else if (!full) {
            full = true;
            log.warn("CORS preflights refused from more than {} origins: further ones are logged at DEBUG only",
                    MAX_REMEMBERED);
        } else {
            log.debug("CORS preflight refused origin=\"{}\"", origin);
        }
    }

    synchronized int remembered() {
        return warned.size();
    }
}
