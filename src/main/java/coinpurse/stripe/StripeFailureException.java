package coinpurse.stripe;

import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;

/** Stripe answered with an error, or did not answer in time. */
public class StripeFailureException extends RuntimeException {
    public StripeFailureException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Stripe refused the request with this error {@code code} (such as {@code charge_already_refunded}). */
    public boolean hasCode(String code) {
        return getCause() instanceof StripeException stripe && code.equals(stripe.getCode());
    }

    /** Stripe said the object asked for does not exist (HTTP 404). */
    public boolean isNotFound() {
        return getCause() instanceof InvalidRequestException invalid
                && invalid.getStatusCode() != null && invalid.getStatusCode() == 404;
    }
}
