package coinpurse.checkout;

import coinpurse.config.Origins;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where Stripe may send the user back to: only the allowed origins, so that nobody can use
 * our Checkout to bounce users to a site of their choosing.
 */
public final class RedirectUrls {
    public static final String SESSION_PLACEHOLDER = "{CHECKOUT_SESSION_ID}";

    private final List<String> allowedOrigins;
    private final String defaultSuccessUrl;
    private final String defaultCancelUrl;

    /** The defaults are used when a checkout names none ({@code app.success_url}, {@code app.cancel_url}). */
    public RedirectUrls(List<String> allowedOrigins, String defaultSuccessUrl, String defaultCancelUrl) {
        this.allowedOrigins = List.copyOf(allowedOrigins);
        this.defaultSuccessUrl = defaultSuccessUrl;
        this.defaultCancelUrl = defaultCancelUrl;
    }

    /** The success URL to give Stripe: the requested one or the default, allowed, and carrying the session id placeholder. */
    public String successUrl(Optional<String> requested, String fieldName) {
        String url = requireAllowed(requested.orElse(defaultSuccessUrl), fieldName);
        if (url.contains(SESSION_PLACEHOLDER)) {
            return url;
        }
        int fragment = url.indexOf('#');
        String base = fragment < 0 ? url : url.substring(0, fragment);
        String tail = fragment < 0 ? "" : url.substring(fragment);
        String separator = base.contains("?") ? (base.endsWith("?") || base.endsWith("&") ? "" : "&") : "?";
        return base + separator + "session_id=" + SESSION_PLACEHOLDER + tail;
    }

    /** The cancel URL to give Stripe: the requested one or the default, allowed. */
    public String cancelUrl(Optional<String> requested, String fieldName) {
        return requireAllowed(requested.orElse(defaultCancelUrl), fieldName);
    }

    /** The URL itself, once its origin is on the allowlist. */
    private String requireAllowed(String url, String fieldName) {
        if (!allowedOrigins.contains(originOf(url, fieldName))) {
            throw InvalidCheckoutException.badRequest(fieldName + " must point to one of the allowed origins: "
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
            throw InvalidCheckoutException.badRequest(fieldName + " must be an absolute http(s) URL.");
        }
    }
}
