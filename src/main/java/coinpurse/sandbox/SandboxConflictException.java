package coinpurse.sandbox;

/**
 * What the sandbox's Stripe would refuse in the state a session is in: paying a session that is
 * not open, refunding more than is left or a disputed charge, a second open dispute, and so on.
 * {@code code} is Stripe's where Stripe has one ({@code charge_disputed}, {@code charge_already_refunded}).
 */
public class SandboxConflictException extends RuntimeException {
    private final String code;

    SandboxConflictException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
