package coinpurse.sandbox;

import java.time.Instant;

/** A Refund ({@code re_…}) of a sandbox payment; {@code reason} is Stripe's, or null. */
record SandboxRefund(String id, long amount, Instant created, String reason, String status) {
    static final String SUCCEEDED = "succeeded";

    /** A failed or canceled refund returned nothing, so it no longer counts in {@code amount_refunded}. */
    boolean counts() {
        return !"failed".equals(status) && !"canceled".equals(status);
    }
}
