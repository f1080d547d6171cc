package coinpurse.wallet;

import java.util.List;

/** The {@code reason} of each kind of ledger row: why a balance changed. */
public final class Reasons {
    public static final String PURCHASE = "purchase";
    public static final String SPEND = "spend";
    public static final String GRANT = "grant";
    /** A hold's coins spent when the web app's job succeeded; the reference is the hold's id. */
    public static final String CAPTURE = "capture";
    /** A grant's coins that reached its {@code expires_at} unspent; the reference is the grant's key. */
    public static final String EXPIRED = "expired";
    public static final String REFUND = "refund";
    public static final String REFUND_REVERSED = "refund_reversed";
    public static final String DISPUTE = "dispute";
    public static final String DISPUTE_WON = "dispute_won";

    /** The rows by which refunds and disputes take a purchase's coins back and give them back; the reference is the session. */
    public static final List<String> REVERSALS = List.of(REFUND, REFUND_REVERSED, DISPUTE, DISPUTE_WON);

    private Reasons() {}
}
