package coinpurse.sandbox;

/**
 * The card numbers the sandbox's Checkout page takes: Stripe's own test numbers, so that what a
 * developer learns here works on Stripe's test Checkout too. Spaces and dashes are ignored.
 */
final class TestCards {
    /** Visa, succeeds. */
    static final String PAYS = "4242424242424242";
    /** Visa, declined with {@code card_declined} (generic decline). */
    static final String DECLINED = "4000000000000002";

    private TestCards() {}

    /** Returns when {@code number} pays; otherwise says why not, as Stripe would. */
    static void charge(String number) {
        String digits = number == null ? "" : number.replaceAll("[\\s-]", "");
        if (digits.equals(PAYS)) {
            return;
        }
        if (digits.equals(DECLINED)) {
            throw new CardRefusedException("card_declined", "Your card was declined.");
        }
        throw new CardRefusedException("incorrect_number", "This sandbox takes Stripe's test cards only:"
                + " 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined.");
    }
}
