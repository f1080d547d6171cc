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
 * the handler, so a grant or a checkout would happen behind an error.
 */
public final class Cors {
    private static final String ALLOWED_METHODS = "GET, POST";
    private static final String ALLOWED_HEADERS = "Authorization, Content-Type";
    private static final String PREFLIGHT_CACHE_SECONDS = "600";
    private static final Set<HandlerType> SAFE_METHODS = Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);

    private final Set<String> allowedOrigins;

    public Cors(List<String> allowedOrigins) {
        this.allowedOrigins = Set.copyOf(allowedOrigins);
    }

    /** A before-handler for every path. */
    public void apply(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return; // not a browser's cross-origin or form request: nothing to decide
        }
        ctx.header("Vary", "Origin");
        boolean listed = allowedOrigins.contains(origin);
        if (listed) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Access-Control-Allow-Credentials", "true");
            if (ctx.method() == HandlerType.OPTIONS && ctx.header("Access-Control-Request-Method") != null) {
                ctx.header("Access-Control-Allow-Methods", ALLOWED_METHODS);
                ctx.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
                ctx.header("Access-Control-Max-Age", PREFLIGHT_CACHE_SECONDS);
                ctx.status(204);
                ctx.skipRemainingHandlers();
            }
            return;
        }
        if (!SAFE_METHODS.contains(ctx.method()) && !sameOrigin(origin, ctx.header("Host"))) {
            throw ApiException.badRequest("Requests from this page's origin are not accepted: add it to"
                    + " cors.allowed_origins to let its browsers call the API.");
        }
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
