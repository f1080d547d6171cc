package coinpurse.config;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/** What coinpurse reads out of a JDBC URL, and how to show one without its secrets. */
public final class JdbcUrls {
    public static final String POSTGRES = "jdbc:postgresql://";
    public static final String SQLITE = "jdbc:sqlite:";

    private JdbcUrls() {}

    /** {@code host:port} of a {@code jdbc:postgresql://host:port/db} URL (port 5432 when absent), for messages. */
    public static String hostAndPort(String postgresUrl) {
        URI uri = uriOf(postgresUrl).orElse(null);
        if (uri == null || uri.getHost() == null) {
            return "(unreadable host)";
        }
        return uri.getHost() + ":" + (uri.getPort() < 0 ? 5432 : uri.getPort());
    }

    /** The URL up to its query: parameters such as {@code password=} never reach a log line. */
    public static String withoutSecrets(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?…";
    }

    public static boolean isPostgres(String url) {
        return url.toLowerCase(Locale.ROOT).startsWith(POSTGRES) && uriOf(url).map(URI::getHost).isPresent();
    }

    private static Optional<URI> uriOf(String url) {
        try {
            return Optional.of(new URI(url.substring("jdbc:".length())));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
