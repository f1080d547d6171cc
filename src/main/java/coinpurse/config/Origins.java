package coinpurse.config;

import java.net.URI;
import java.util.Locale;

/** The origin of a URL, normalised so that two spellings of one origin compare equal. */
public final class Origins {
    private Origins() {}

    /**
     * {@code HTTPS://Shop.Example.com:443/x} becomes {@code https://shop.example.com}; the URI
     * must be absolute, with a scheme and a host.
     */
    public static String of(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80)
                || (scheme.equals("https") && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
