package coinpurse.holds;

/** No hold by that id. */
public class UnknownHoldException extends RuntimeException {
    UnknownHoldException(String holdId) {
        super("No hold " + (holdId.length() > 64 ? holdId.substring(0, 64) + "…" : holdId) + ".");
    }
}
