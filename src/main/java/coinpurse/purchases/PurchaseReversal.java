package coinpurse.purchases;

/**
 * A fulfilled purchase and how much of it has been taken back so far: the cumulative amount
 * Stripe refunded (cents, only ever grows), the coins taken back by ledger rows (of
 * which {@code paidReversed} count as its paid coins), and its
 * dispute, if any ({@code null} when never disputed).
 */
public record PurchaseReversal(
        PaymentSession session,
        long amountRefunded,
        long coinsReversed,
        long paidReversed,
        DisputeStatus dispute) {
}
