package coinpurse.sandbox;

import java.time.Instant;

/** A Dispute ({@code dp_…}) of a sandbox payment: {@code needs_response} while open, then {@code won} or {@code lost}. */
record SandboxDispute(String id, long amount, Instant created, String status) {
    static final String NEEDS_RESPONSE = "needs_response";
    static final String WON = "won";
    static final String LOST = "lost";

    boolean isOpen() {
        return NEEDS_RESPONSE.equals(status);
    }

    SandboxDispute closed(boolean won) {
        return new SandboxDispute(id, amount, created, won ? WON : LOST);
    }
}
