package coinpurse.holds;

/** A capture of more coins than the hold reserves. */
public class CaptureExceedsHoldException extends RuntimeException {
    CaptureExceedsHoldException(String holdId, long held, long asked) {
        super("Hold " + holdId + " holds " + held + " coins; a capture may take at most that, not " + asked + ".");
    }
}
