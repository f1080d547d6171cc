package coinpurse.purchases;

/** One row of {@code payment_sessions}: what a user bought, for how much, and where it stands. */
public record PaymentSession(
        String sessionId,
        String userId,
        String packageId,
        long amountCents,
        String currency,
        long coins,
        long bonus,
        SessionStatus status,
        String paymentIntent,
        String createdAt) {

    public long coinsTotal() {
        return coins + bonus;
    }
}
