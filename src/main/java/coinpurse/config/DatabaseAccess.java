package coinpurse.config;

import java.util.Optional;

/**
 * How to reach PostgreSQL ({@code db.url}, {@code db.user}, {@code db.password},
 * {@code db.pool_size}). Without a {@code jdbc:postgresql:} URL the server runs on the SQLite file
 * at {@code db.path}; user and password still apply to {@code copy-db}'s target.
 */
public record DatabaseAccess(Optional<String> postgresUrl, Optional<String> user, Optional<String> password,
        int poolSize) {

    @Override
    public String toString() {
        // A record would print the password.
        return "DatabaseAccess[postgresUrl=" + postgresUrl.map(JdbcUrls::withoutSecrets) + ", user=" + user
                + ", password=" + password.map(p -> "***") + ", poolSize=" + poolSize + "]";
    }
}
