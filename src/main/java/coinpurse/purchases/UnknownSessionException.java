package coinpurse.purchases;

/** No payment session by that id for that user (another user's session is unknown to them too). */
public class UnknownSessionException extends RuntimeException {
    public UnknownSessionException(String sessionId) {
        super("No payment session " + sessionId + " for you.");
    }
}
