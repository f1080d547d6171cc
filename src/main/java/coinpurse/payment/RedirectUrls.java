package coinpurse.payment;

import coinpurse.config.Origins;
import coinpurse.http.ApiException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Where Stripe may send the user back to: only the allowed origins, so that nobody can use
 * our Checkout to bounce users to a site of their choosing.
 */
public final class RedirectUrls {
    public static final String SESSION_PLACEHOLDER = "{CHECKOUT_SESSION_ID}";

    private final List<String> allowedOrigins;

    public RedirectUrls(List<String> allowedOrigins) {
        this.allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** The success URL to give Stripe: allowed, and carrying the session id placeholder. */
    public String successUrl(String requested, String fieldName) {
        String url = requireAllowed(requested, fieldName);
        if (url.contains(SESSION_PLACEHOLDER)) {
            return url;
        }
        int fragment = url.indexOf('#');
        String base = fragment < 0 ? url : url.substring(0, fragment);
        String tail = fragment < 0 ? "" : url.substring(fragment);
        String separator = base.contains("?") ? (base.endsWith("?") || base.endsWith("&") ? "" : "&") : "?";
        return base + separator + "session_id=" + SESSION_PLACEHOLDER + tail;
    }

    /** The URL itself, once its origin is on the allowlist. */
    public String requireAllowed(String url, String fieldName) {
        if (!allowedOrigins.contains(originOf(url, fieldName))) {
            throw ApiException.badRequest(fieldName + " must point to one of the allowed origins: "
                    + String.join(", ", allowedOrigins) + ".");
        }
        return url;
    }

    private static String originOf(String url, String fieldName) {
        try {
            // The placeholder's braces are not legal in a URI; it is only ever in path or query.
            URI uri = new URI(url.replace(SESSION_PLACEHOLDER, "x"));
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawUserInfo() != null) {
                throw new URISyntaxException(url, "not an absolute http(s) URL");
            }
            return Origins.of(uri);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest(fieldName + " must be an absolute http(s) URL.");
        }
    }
}
