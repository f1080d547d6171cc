package coinpurse.wallet;

/** A new grant whose {@code expires_at} is not in the future. */
public class ExpiryInThePastException extends RuntimeException {
    public ExpiryInThePastException(String expiresAt) {
        super("expires_at must be in the future; " + expiresAt + " is not.");
    }
}
