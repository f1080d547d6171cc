package coinpurse.liability;

/** The sums of one currency's purchases: {@code purchased = refunded + recognized + liability}, as each purchase's. */
public record CurrencyMoney(long purchasedCents, long refundedCents, long recognizedCents, long liabilityCents,
        long unspentPaidCoins) {

    static final CurrencyMoney NONE = new CurrencyMoney(0, 0, 0, 0, 0);

    CurrencyMoney plus(PurchaseMoney purchase) {
        return new CurrencyMoney(Math.addExact(purchasedCents, purchase.purchasedCents()),
                Math.addExact(refundedCents, purchase.refundedCents()),
                Math.addExact(recognizedCents, purchase.recognizedCents()),
                Math.addExact(liabilityCents, purchase.liabilityCents()),
                Math.addExact(unspentPaidCoins, purchase.unspentPaidCoins()));
    }
}
