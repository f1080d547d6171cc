package coinpurse.stripe;

import com.stripe.exception.ApiConnectionException;
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

    /**
     * {@code what} failed, with why in the same line: Stripe could not be reached at {@code apiBase}
     * (no route, no such host, no answer in time), or what Stripe answered.
     */
    static StripeFailureException of(String what, Throwable cause, String apiBase) {
        String innermost = innermost(cause);
        String why;
        if (isUnreachable(cause)) {
            why = "cannot reach Stripe at " + apiBase + " (" + innermost + ")";
        } else if (cause instanceof StripeException stripe && stripe.getStatusCode() != null) {
            why = "Stripe answered " + stripe.getStatusCode() + ": " + firstLine(stripe.getStripeError() != null
                    ? stripe.getStripeError().getMessage() : stripe.getMessage());
        } else {
            why = innermost;
        }
        return new StripeFailureException(what + " failed: " + why, cause);
    }

    /** Stripe said the object asked for does not exist (HTTP 404). */
    public boolean isNotFound() {
        return getCause() instanceof InvalidRequestException invalid
                && invalid.getStatusCode() != null && invalid.getStatusCode() == 404;
    }

    /** stripe-java's word for a request that got no answer: refused, unresolved, cut off or timed out. */
    private static boolean isUnreachable(Throwable cause) {
        for (Throwable e = cause; e != null; e = e.getCause()) {
            if (e instanceof ApiConnectionException) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause, as {@code ConnectException: Connection refused}: its type says as much as its text. */
    private static String innermost(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + firstLine(root.getMessage());
    }

    private static String firstLine(String text) {
        return String.valueOf(text).lines().findFirst().orElse("");
    }
}
