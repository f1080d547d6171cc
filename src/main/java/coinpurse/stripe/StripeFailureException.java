package coinpurse.stripe;

import com.stripe.exception.InvalidRequestException;

/** Stripe answered with an error, or did not answer in time. */
public class StripeFailureException extends RuntimeException {
    public StripeFailureException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Stripe said the object asked for does not exist (HTTP 404). */
    public boolean isNotFound() {
        return getCause() instanceof InvalidRequestException invalid
                && invalid.getStatusCode() != null && invalid.getStatusCode() == 404;
    }
}
