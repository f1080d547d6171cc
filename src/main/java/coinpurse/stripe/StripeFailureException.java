package coinpurse.stripe;

/** Stripe answered with an error, or did not answer in time. */
public class StripeFailureException extends RuntimeException {
    public StripeFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
