package coinpurse.support;

import java.util.UUID;

/** A user with a pending checkout of the "popular" package, created through the API. */
public record PendingCheckout(String userId, String token, String sessionId) {

    /** A new user (named after {@code label}, made unique) and their pending checkout on {@code server}. */
    public static PendingCheckout create(TestServer server, String label) {
        String userId = uniqueUser(label);
        String token = server.token(userId);
        return new PendingCheckout(userId, token, server.checkout(token, "popular"));
    }

    /** {@code label} and a random suffix: a user no other test has touched. */
    public static String uniqueUser(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
