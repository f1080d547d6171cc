package coinpurse.liability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The SPEC's formula for one purchase, on numbers worked by hand; the routes' tests run it on real data. */
class PurchaseMoneyTest {

    @Test
    void theSpentCoinsAreRoundedDownSoTheUnspentOnesCarryTheCentsLeft() {
        // 3 coins for 100 cents, 1 spent: spent worth floor(100 / 3) = 33, the 2 unspent 67 (not 66).
        assertFigures(PurchaseMoney.of("s", "u", "usd", 100, 3, 0, 2), 100, 0, 33, 67, 2);
        // 2 spent: floor(200 / 3) = 66 recognized, the last coin 34.
        assertFigures(PurchaseMoney.of("s", "u", "usd", 100, 3, 0, 1), 100, 0, 66, 34, 1);
    }

    @Test
    void theLiabilityIsNeverMoreThanWhatWasNotRefunded() {
        // Nothing spent (v = 1999) but 500 refunded: 1499 owed, nothing earned.
        assertFigures(PurchaseMoney.of("s", "u", "usd", 1999, 500, 500, 500), 1999, 500, 0, 1499, 500);
    }

    @Test
    void aPurchaseWithoutPaidCoinsOwesNothing() {
        assertFigures(PurchaseMoney.of("s", "u", "usd", 1999, 0, 0, 0), 1999, 0, 1999, 0, 0);
    }

    @Test
    void moreRefundedThanPaidOwesNothingAndStillAddsUp() {
        PurchaseMoney broken = PurchaseMoney.of("s", "u", "usd", 1999, 500, 2500, 500);
        assertFigures(broken, 1999, 2500, -501, 0, 500);
    }

    @Test
    void anAmountTooLargeForLongArithmeticFailsInsteadOfWrapping() {
        assertThrows(ArithmeticException.class,
                () -> PurchaseMoney.of("s", "u", "usd", Long.MAX_VALUE / 2, 1_000_000, 0, 0));
    }

    @Test
    void aCurrencysFiguresAreItsPurchasesSums() {
        LiabilityReport report = LiabilityReport.of("2026-01-01T00:00:00.000Z", List.of(
                PurchaseMoney.of("a", "u", "usd", 1999, 500, 0, 363),
                PurchaseMoney.of("b", "u", "eur", 499, 100, 0, 63),
                PurchaseMoney.of("c", "v", "usd", 1999, 500, 500, 375)));

        assertEquals(List.of("eur", "usd"), List.copyOf(report.currencies().keySet()));
        assertEquals(new CurrencyMoney(3998, 500, 547, 2951, 738), report.currencies().get("usd"));
        assertEquals(new CurrencyMoney(499, 0, 184, 315, 63), report.currencies().get("eur"));
    }

    private static void assertFigures(PurchaseMoney p, long purchased, long refunded, long recognized, long liability,
            long unspent) {
        assertEquals(List.of(purchased, refunded, recognized, liability, unspent), List.of(p.purchasedCents(),
                p.refundedCents(), p.recognizedCents(), p.liabilityCents(), p.unspentPaidCoins()), p.toString());
    }
}
