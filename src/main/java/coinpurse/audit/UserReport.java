package coinpurse.audit;

import java.util.List;

/**
 * One user as stored: the balance and what makes it (unspent {@code paid} and {@code bonus} coins, as
 * the balance route counts them; what open holds reserve, {@code held}; {@code available}), every
 * purchase (newest first, at most the asked number) with what was taken back from it, and the latest
 * ledger rows.
 */
public record UserReport(String userId, long balance, long paid, long bonus, long held, long available,
        String createdAt, List<Purchase> purchases, long purchaseCount, List<Entry> latestEntries, long entryCount) {

    /** What the user owes: a balance below zero is a debt ({@code balance = paid + bonus − debt}). */
    public long debt() {
        return paid + bonus - balance;
    }

    /**
     * A Checkout Session of the user and where it stands, refunds, disputes and Stripe's early fraud
     * warnings on its payment included.
     */
    public record Purchase(String sessionId, String packageId, String status, long coins, long amountCents,
            String currency, String paymentIntent, long amountRefunded, long coinsReversed, String dispute,
            String createdAt, String completedAt, List<FraudWarning> fraudWarnings) {

        public Purchase {
            fraudWarnings = List.copyOf(fraudWarnings);
        }

        /** The state in words: the status, then any refund or dispute and the coins it took. */
        public String state() {
            StringBuilder state = new StringBuilder(status);
            if (amountRefunded > 0) {
                state.append(amountRefunded >= amountCents ? ", fully refunded" : ", partly refunded ("
                        + amountRefunded + " of " + amountCents + " cents)");
            }
            if (dispute != null) {
                state.append(switch (dispute) {
                    case "open" -> ", disputed (open)";
                    case "won" -> ", dispute won";
                    default -> ", dispute " + dispute;
                });
            }
            for (FraudWarning warning : fraudWarnings) {
                state.append(", early fraud warning ").append(warning.id()).append(" (").append(warning.fraudType())
                        .append(warning.refundId() != null ? "; refunded by coinpurse as " + warning.refundId()
                                : warning.actionable() ? "" : "; not actionable").append(')');
            }
            if (coinsReversed != 0) {
                state.append(": ").append(coinsReversed).append(" of ").append(coins).append(" coins taken back");
            }
            return state.toString();
        }
    }

    /** Stripe's early fraud warning on a purchase's payment, and the refund coinpurse made for it (or null). */
    public record FraudWarning(String id, String fraudType, boolean actionable, String refundId, String createdAt) {}

    /** One ledger row, with its change of unspent paid and bonus coins. */
    public record Entry(long id, long delta, long balanceAfter, long paid, long bonus, String reason, String reference,
            String createdAt) {}
}
