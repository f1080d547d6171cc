package coinpurse.sandbox;

/**
 * The card given on the sandbox's Checkout page does not pay: Stripe's {@code card_declined}
 * (the test number that is always declined) or {@code incorrect_number} (any number that is not one
 * of the sandbox's test cards). The session stays open.
 */
public class CardRefusedException extends RuntimeException {
    private final String code;

    CardRefusedException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** Stripe's decline code: what the client reads as {@code error}. */
    public String code() {
        return code;
    }
}
