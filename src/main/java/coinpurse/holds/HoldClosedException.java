package coinpurse.holds;

/** A capture or release of a hold resolved the other way before (captured, released). */
public class HoldClosedException extends RuntimeException {
    private final HoldStatus status;

    HoldClosedException(String holdId, HoldStatus status) {
        super("Hold " + holdId + " is " + status.value() + " already; it is resolved once.");
        this.status = status;
    }

    public String status() {
        return status.value();
    }
}
