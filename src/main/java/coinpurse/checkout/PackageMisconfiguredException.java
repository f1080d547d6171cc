package coinpurse.checkout;

/** Stripe would charge another amount or currency for a package than the catalog says (its Stripe Price). */
public class PackageMisconfiguredException extends RuntimeException {
    public PackageMisconfiguredException(String message) {
        super(message);
    }
}
