package coinpurse.sandbox;

import coinpurse.catalog.CoinPackage;
import java.time.Instant;
import java.util.Map;

/**
 * A Checkout Session as the sandbox keeps it: what coinpurse asked for, its amount, and where it
 * stands ({@code status} open, complete or expired; {@code paymentStatus} unpaid or paid; its
 * payment intent once paid). Immutable: a change is a new record.
 */
record SandboxSession(
        String id,
        Instant created,
        Instant expiresAt,
        String userId,
        CoinPackage coinPackage,
        long amount,
        String currency,
        Map<String, String> metadata,
        String successUrl,
        String cancelUrl,
        String url,
        String status,
        String paymentStatus,
        String paymentIntent) {

    static final String OPEN = "open";
    static final String COMPLETE = "complete";
    static final String EXPIRED = "expired";

    SandboxSession {
        metadata = Map.copyOf(metadata);
    }

    boolean isOpen() {
        return OPEN.equals(status);
    }

    boolean isPaid() {
        return "paid".equals(paymentStatus);
    }

    SandboxSession paidBy(String paymentIntentId) {
        return new SandboxSession(id, created, expiresAt, userId, coinPackage, amount, currency, metadata, successUrl,
                cancelUrl, url, COMPLETE, "paid", paymentIntentId);
    }

    SandboxSession expired() {
        return new SandboxSession(id, created, expiresAt, userId, coinPackage, amount, currency, metadata, successUrl,
                cancelUrl, url, EXPIRED, paymentStatus, paymentIntent);
    }

    /** The success URL with Stripe's {@code {CHECKOUT_SESSION_ID}} filled in, as Checkout sends the buyer there. */
    String successUrlFilled() {
        return successUrl.replace("{CHECKOUT_SESSION_ID}", id);
    }
}
