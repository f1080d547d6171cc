package coinpurse.holds;

/** A capture or release of a hold whose deadline has come: its coins are no longer held. */
public class HoldExpiredException extends RuntimeException {
    HoldExpiredException(String holdId, String expiresAt) {
        super("Hold " + holdId + " expired at " + expiresAt + "; its coins are no longer held.");
    }

    public String status() {
        return HoldStatus.EXPIRED.value();
    }
}
