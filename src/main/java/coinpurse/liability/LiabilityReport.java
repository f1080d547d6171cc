package coinpurse.liability;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The money report as of a moment ({@code as_of}, UTC to the millisecond): per currency (in
 * alphabetical order) the sums of its purchases, and every purchase credited by then, in the order
 * they were credited. The same document answers {@code GET /api/internal/liability} and
 * {@code liability --json}.
 */
public record LiabilityReport(String asOf, Map<String, CurrencyMoney> currencies, List<PurchaseMoney> purchases) {

    static LiabilityReport of(String asOf, List<PurchaseMoney> purchases) {
        Map<String, CurrencyMoney> currencies = new TreeMap<>();
        for (PurchaseMoney purchase : purchases) {
            currencies.merge(purchase.currency(), CurrencyMoney.NONE.plus(purchase),
                    (sum, one) -> sum.plus(purchase));
        }
        return new LiabilityReport(asOf, Collections.unmodifiableMap(currencies), List.copyOf(purchases));
    }
}
