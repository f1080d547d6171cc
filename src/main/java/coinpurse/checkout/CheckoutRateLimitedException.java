package coinpurse.checkout;

/** The user created too many checkout sessions lately; {@code retryAfterSeconds} until the next may be made. */
public class CheckoutRateLimitedException extends RuntimeException {
    private final long retryAfterSeconds;

    public CheckoutRateLimitedException(long retryAfterSeconds) {
        super("Too many checkout attempts. Try again in " + retryAfterSeconds + " seconds.");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
