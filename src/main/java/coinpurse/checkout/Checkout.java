package coinpurse.checkout;

import coinpurse.catalog.CoinPackage;
import coinpurse.catalog.Money;
import coinpurse.db.Database;
import coinpurse.db.Timestamps;
import coinpurse.purchases.PaymentSession;
import coinpurse.purchases.PaymentSessions;
import coinpurse.purchases.SessionStatus;
import coinpurse.stripe.CheckoutSessionData;
import coinpurse.stripe.NewCheckoutSession;
import coinpurse.stripe.StripeFailureException;
import coinpurse.stripe.StripeGateway;
import coinpurse.wallet.Ledger;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user starts paying for a package: where Stripe may send them back, whether they may start
 * another checkout now, the Stripe Checkout Session (at the catalog's price), and its pending row.
 */
public final class Checkout {
    private static final Logger log = LoggerFactory.getLogger(Checkout.class);

    private final StripeGateway stripe;
    private final RedirectUrls redirects;
    private final CheckoutRateLimiter rateLimiter;
    private final Database db;
    private final PaymentSessions sessions;
    private final Ledger ledger;
    private final Timestamps timestamps;
    private final String instanceId;

    public Checkout(StripeGateway stripe, RedirectUrls redirects, CheckoutRateLimiter rateLimiter, Database db,
            PaymentSessions sessions, Ledger ledger, Timestamps timestamps, String instanceId) {
        this.stripe = stripe;
        this.redirects = redirects;
        this.rateLimiter = rateLimiter;
        this.db = db;
        this.sessions = sessions;
        this.ledger = ledger;
        this.timestamps = timestamps;
        this.instanceId = instanceId;
    }

    /**
     * The Checkout Session the user pays on, recorded {@code pending} here before it is returned.
     *
     * @throws InvalidCheckoutException a redirect URL on an origin that is not allowed
     * @throws CheckoutRateLimitedException too many checkouts by this user lately
     * @throws PackageMisconfiguredException Stripe would charge another amount than the catalog
     * @throws StripeFailureException Stripe failed or did not answer in time
     */
    public CheckoutSessionData start(String userId, CheckoutRequest request) {
        String successUrl = redirects.successUrl(request.successUrl(), "success_url");
        String cancelUrl = redirects.cancelUrl(request.cancelUrl(), "cancel_url");
        rateLimiter.tryAcquire(userId).ifPresent(wait -> {
            throw new CheckoutRateLimitedException(wholeSeconds(wait));
        });
        CoinPackage pack = request.coinPackage();
        CheckoutSessionData created = stripe.createCheckoutSession(
                new NewCheckoutSession(userId, pack, successUrl, cancelUrl, instanceId));
        refuseIfPricedOtherwise(pack, created);
        db.inTransaction(connection -> {
            ledger.ensureUser(connection, userId);
            sessions.insert(connection, new PaymentSession(created.id(), userId, pack.id(), pack.priceCents(),
                    pack.currency().toLowerCase(Locale.ROOT), pack.coins(), pack.bonus(), SessionStatus.PENDING,
                    null, timestamps.now()));
            return null;
        });
        log.info("checkout session={} user={} package={} amount={} {}", created.id(), userId, pack.id(),
                pack.priceCents(), pack.currency());
        return created;
    }

    /**
     * A package sold at a Stripe Price is charged what that Price says, whatever the catalog says:
     * a session that would charge another amount is closed before anyone can pay it, and nothing is
     * recorded (else the payment would be refused as a mismatch and its coins never credited).
     */
    private void refuseIfPricedOtherwise(CoinPackage pack, CheckoutSessionData created) {
        if (pack.isPricedAt(created.amountTotal(), created.currency())) {
            return;
        }
        log.error("package {} is misconfigured: Stripe would charge {} {} for session {} but the catalog says {} {};"
                + " the session is expired", pack.id(), created.amountTotal(), created.currency(), created.id(),
                pack.priceCents(), pack.currency());
        try {
            stripe.expireCheckoutSession(created.id());
        } catch (StripeFailureException e) {
            log.error("could not expire session {}; it expires by itself within 24 hours: {}", created.id(),
                    e.getMessage());
        }
        throw new PackageMisconfiguredException("Package '" + pack.id() + "' is misconfigured: its Stripe Price"
                + " does not charge the catalog's " + Money.fromCents(pack.priceCents()).toPlainString() + " "
                + pack.currency() + ". Nothing was charged.");
    }

    private static long wholeSeconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
