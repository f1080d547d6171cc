package coinpurse.holds;

/**
 * One hold as stored: coins reserved for a job of the web app until {@code expiresAt}; once
 * resolved, how ({@code status}), how many coins were captured and the ledger row that spent them,
 * and the balance and available coins its resolution answered.
 */
record Hold(String holdId, String idempotencyKey, String userId, long amount, String reason, long expiresInSeconds,
        String expiresAt, HoldStatus status, String createdAt, long createdBalance, long createdAvailable,
        Long captured, Long captureEntryId, Long resolvedBalance, Long resolvedAvailable) {

    /** True when the hold is open and its deadline has come (at or before {@code now}, ISO text). */
    boolean isDue(String now) {
        return status == HoldStatus.OPEN && expiresAt.compareTo(now) <= 0;
    }

    /** The status a reader sees at {@code now}: an open hold past its deadline is expired, swept or not. */
    HoldStatus statusAt(String now) {
        return isDue(now) ? HoldStatus.EXPIRED : status;
    }
}
