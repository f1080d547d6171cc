package coinpurse.events;

/** The kinds of events the web app hears of: a ledger row's, a hold's change, a purchase's new status. */
public enum EventType {
    COINS_PURCHASED("coins.purchased"),
    COINS_GRANTED("coins.granted"),
    COINS_SPENT("coins.spent"),
    COINS_TAKEN_BACK("coins.taken_back"),
    COINS_GIVEN_BACK("coins.given_back"),
    COINS_EXPIRED("coins.expired"),
    HOLD_CREATED("hold.created"),
    HOLD_CAPTURED("hold.captured"),
    HOLD_RELEASED("hold.released"),
    HOLD_EXPIRED("hold.expired"),
    PURCHASE_UPDATED("purchase.updated");

    private final String value;

    EventType(String value) {
        this.value = value;
    }

    /** As sent: {@code coins.purchased}, … */
    public String value() {
        return value;
    }
}
