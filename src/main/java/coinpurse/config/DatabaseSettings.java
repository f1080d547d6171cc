package coinpurse.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/** Reads where the data lives: the SQLite file, or PostgreSQL and how to log in to it. */
final class DatabaseSettings {
    private DatabaseSettings() {}

    /** The SQLite file: {@code db.path}, or the file of a {@code jdbc:sqlite:} {@code db.url}. */
    static Path sqlitePath(Settings s, String pathKey, String urlKey, String defaultPath) {
        Optional<String> sqliteUrl = s.get(urlKey).filter(url -> url.startsWith(JdbcUrls.SQLITE));
        if (sqliteUrl.isEmpty()) {
            return TextSettings.path(s, pathKey, defaultPath);
        }
        if (s.get(pathKey).isPresent()) {
            throw s.error(urlKey, "names a SQLite file and " + pathKey + " is set too: set only one of them");
        }
        String file = sqliteUrl.get().substring(JdbcUrls.SQLITE.length());
        if (file.isBlank()) {
            throw s.error(urlKey, "names no SQLite file: write jdbc:sqlite:path/to/coinpurse.db");
        }
        try {
            return Path.of(file);
        } catch (InvalidPathException e) {
            throw s.error(urlKey, "names no usable SQLite file: " + e.getReason());
        }
    }

    static DatabaseAccess access(Settings s, String urlKey, String userKey, String passwordKey, String poolKey) {
        Optional<String> url = s.get(urlKey);
        if (url.isPresent() && !url.get().startsWith(JdbcUrls.SQLITE) && !JdbcUrls.isPostgres(url.get())) {
            // Not quoted: a JDBC URL may carry a password.
            throw s.error(urlKey, "is not a URL coinpurse can use: write jdbc:postgresql://host:port/database"
                    + " (or jdbc:sqlite:FILE)");
        }
        return new DatabaseAccess(
                url.filter(JdbcUrls::isPostgres),
                s.get(userKey),
                SecretSettings.password(s, passwordKey),
                NumberSettings.bounded(s, poolKey, 10, 1, 100));
    }
}
