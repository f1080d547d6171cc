package coinpurse.checkout;

/** A checkout asked for something that cannot be sold: a malformed request, or no such package. */
public class InvalidCheckoutException extends RuntimeException {

    /** Why, as the stable code the client reads. */
    public enum Reason {
        BAD_REQUEST("bad_request"),
        UNKNOWN_PACKAGE("unknown_package"),
        PACKAGE_MISMATCH("package_mismatch");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;

    public InvalidCheckoutException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public static InvalidCheckoutException badRequest(String message) {
        return new InvalidCheckoutException(Reason.BAD_REQUEST, message);
    }

    public Reason reason() {
        return reason;
    }
}
