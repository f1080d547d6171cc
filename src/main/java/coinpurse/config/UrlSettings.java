package coinpurse.config;

import static coinpurse.config.Settings.quote;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Reads settings that are web addresses: Stripe's API base, lists of origins, redirect URLs. */
final class UrlSettings {
    private UrlSettings() {}

    /** An http(s) base URL without query or fragment; trailing slashes are dropped. */
    static Optional<String> apiBase(Settings s, String key) {
        return s.get(key).map(text -> {
            URI uri = httpUri(s, key, text);
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw s.error(key, quote(text) + " must not have a query or a fragment");
            }
            return text.replaceAll("/+$", "");
        });
    }

    /** An absolute http(s) URL without a fragment: where something is sent. */
    static Optional<String> endpoint(Settings s, String key) {
        return s.get(key).map(text -> {
            URI uri = httpUri(s, key, text);
            if (uri.getRawFragment() != null) {
                throw s.error(key, quote(text) + " must not have a fragment");
            }
            return text;
        });
    }

    /** A comma-separated list of origins, each normalised, duplicates dropped; {@code defaultOrigin} when empty. */
    static List<String> origins(Settings s, String key, String defaultOrigin) {
        List<String> texts = s.list(key);
        if (texts.isEmpty()) {
            texts = List.of(defaultOrigin);
        }
        Set<String> origins = new LinkedHashSet<>();
        for (String text : texts) {
            origins.add(origin(s, key, text));
        }
        return List.copyOf(origins);
    }

    /** An absolute http(s) URL on one of the allowed redirect origins, kept as written. */
    static String redirectUrl(Settings s, String key, String defaultUrl, List<String> allowedOrigins) {
        String text = s.get(key).orElse(defaultUrl);
        // Stripe's {CHECKOUT_SESSION_ID} template is not legal in a URI; check the URL around it.
        URI uri = httpUri(s, key, text.replace("{CHECKOUT_SESSION_ID}", "CHECKOUT_SESSION_ID"));
        if (!allowedOrigins.contains(Origins.of(uri))) {
            throw s.error(key, quote(text) + " is not on an allowed redirect origin (app.allowed_redirect_origins is "
                    + String.join(",", allowedOrigins) + ")");
        }
        return text;
    }

    /** {@code HTTPS://Shop.Example.com:443/} becomes {@code https://shop.example.com}; a path is refused. */
    private static String origin(Settings s, String key, String text) {
        URI uri = httpUri(s, key, text);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !(path.isEmpty() || path.equals("/"))) {
            throw s.error(key, quote(text) + " is not an origin: an origin is scheme://host[:port] "
                    + "with no path, like https://shop.example.com");
        }
        return Origins.of(uri);
    }

    private static URI httpUri(Settings s, String key, String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw s.error(key, quote(text) + " is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw s.error(key, quote(text) + " must start with http:// or https://");
        }
        if (uri.getHost() == null) {
            throw s.error(key, quote(text) + " has no valid host name");
        }
        return uri;
    }
}
