package coinpurse.checkout;

import coinpurse.config.Loopback;
import coinpurse.config.Origins;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where Stripe may send the user back to: only the allowed origins, so that nobody can use
 * our Checkout to bounce users to a site of their choosing. With the sandbox (which serves on
 * loopback only, for a developer) any loopback origin is allowed too: the demo page on this server,
 * a dev server on any port; a loopback address reaches nothing but this machine.
 */
public final class RedirectUrls {
    public static final String SESSION_PLACEHOLDER = "{CHECKOUT_SESSION_ID}";

    private final List<String> allowedOrigins;
    private final boolean anyLoopbackOrigin;
    private final String defaultSuccessUrl;
    private final String defaultCancelUrl;

    /**
     * The defaults are used when a checkout names none ({@code app.success_url}, {@code app.cancel_url});
     * {@code anyLoopbackOrigin}: also allow every loopback origin (the sandbox).
     */
    public RedirectUrls(List<String> allowedOrigins, boolean anyLoopbackOrigin, String defaultSuccessUrl,
            String defaultCancelUrl) {
        this.allowedOrigins = List.copyOf(allowedOrigins);
        this.anyLoopbackOrigin = anyLoopbackOrigin;
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
        if (!allowedOrigins.contains(originOf(url, fieldName)) && !(anyLoopbackOrigin && onLoopback(url))) {
            throw InvalidCheckoutException.badRequest(fieldName + " must point to one of the allowed origins: "
                    + String.join(", ", allowedOrigins) + (anyLoopbackOrigin ? " (or, with the sandbox, a loopback"
                    + " address)" : "") + ".");
        }
        return url;
    }

    /** Called once {@link #originOf} has accepted {@code url}. */
    private static boolean onLoopback(String url) {
        return Loopback.isLoopbackHost(URI.create(url.replace(SESSION_PLACEHOLDER, "x")).getHost());
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
