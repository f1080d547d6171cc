package coinpurse.http;

import coinpurse.config.Origins;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Set;

/**
 * Which browsers may call the API. The origins of {@code cors.allowed_origins} get CORS headers
 * (with credentials) and their preflights are answered; the server's own origin (the demo page)
 * needs no listing. A state-changing request that a browser sent from any other origin is refused
 * before its handler runs: Javalin's bundled CORS plugin answers such a request 400 but still runs
 * the handler, so a grant or a checkout would happen behind an error. A preflight from any other
 * origin is answered 403 {@code origin_not_allowed}, naming the origin and the setting, and
 * logged once per origin: the browser shows only "CORS error", the developer needs the why.
 */
public final class Cors {
    private static final String ALLOWED_METHODS = "GET, POST";
    /** Last-Event-ID: a page that reads the event stream with fetch resumes it with that header. */
    private static final String ALLOWED_HEADERS = "Authorization, Content-Type, Last-Event-ID";
    private static final String PREFLIGHT_CACHE_SECONDS = "600";
    private static final Set<HandlerType> SAFE_METHODS = Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);

    /** Enough for any real origin; a longer Origin header is shown cut. */
    private static final int MAX_SHOWN_ORIGIN = 200;

    private final Set<String> allowedOrigins;
    private final String allowedList;
    private final RefusedOrigins refused = new RefusedOrigins();

    public Cors(List<String> allowedOrigins) {
        this.allowedOrigins = Set.copyOf(allowedOrigins);
        this.allowedList = allowedOrigins.isEmpty() ? "none" : String.join(", ", allowedOrigins);
    }

    /** A before-handler for every path. */
    public void apply(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return; // not a browser's cross-origin or form request: nothing to decide
        }
        ctx.header("Vary", "Origin");
        boolean listed = allowedOrigins.contains(origin);
        boolean preflight = ctx.method() == HandlerType.OPTIONS && ctx.header("Access-Control-Request-Method") != null;
        if (listed) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Access-Control-Allow-Credentials", "true");
            if (preflight) {
                ctx.header("Access-Control-Allow-Methods", ALLOWED_METHODS);
                ctx.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
                ctx.header("Access-Control-Max-Age", PREFLIGHT_CACHE_SECONDS);
                ctx.status(204);
                ctx.skipRemainingHandlers();
            }
            return;
        }
        boolean sameOrigin = sameOrigin(origin, ctx.header("Host"));
        if (preflight && !sameOrigin) {
            String shown = printable(origin);
            refused.refused(shown, allowedList);
            throw new ApiException(403, "origin_not_allowed", "Browsers on " + shown + " may not call this API:"
                    + " cors.allowed_origins does not list this origin. Add it there exactly (scheme, host and port),"
                    + " or let the page's own server proxy the API so that the browser sees one origin.");
        }
        if (!SAFE_METHODS.contains(ctx.method()) && !sameOrigin) {
            throw ApiException.badRequest("Requests from this page's origin are not accepted: add it to"
                    + " cors.allowed_origins to let its browsers call the API.");
        }
    }

    /** {@code origin} as it may be shown and logged: printable ASCII, cut to a bound. */
    static String printable(String origin) {
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < origin.length() && shown.length() < MAX_SHOWN_ORIGIN; i++) {
            char c = origin.charAt(i);
            shown.append(c >= 0x21 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
        }
        return origin.length() > MAX_SHOWN_ORIGIN ? shown + "…" : shown.toString();
    }

    /** True when {@code origin} names the host and port the request was sent to. */
    static boolean sameOrigin(String origin, String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        try {
            URI sent = new URI(origin);
            String scheme = sent.getScheme();
            if (sent.getHost() == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
                return false; // "null" (a sandboxed page, a file) and anything that is not a web origin
            }
            URI requested = new URI(scheme + "://" + host);
            boolean hostAlone = requested.getHost() != null && requested.getRawUserInfo() == null
                    && requested.getRawPath().isEmpty() && requested.getRawQuery() == null
                    && requested.getRawFragment() == null;
            return hostAlone && Origins.of(sent).equals(Origins.of(requested));
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
