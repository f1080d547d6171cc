package coinpurse.app;

import coinpurse.checkout.CheckoutRateLimitedException;
import coinpurse.checkout.InvalidCheckoutException;
import coinpurse.checkout.PackageMisconfiguredException;
import coinpurse.db.DatabaseException;
import coinpurse.holds.CaptureExceedsHoldException;
import coinpurse.holds.HoldClosedException;
import coinpurse.holds.HoldExpiredException;
import coinpurse.holds.UnknownHoldException;
import coinpurse.http.ErrorRule;
import coinpurse.purchases.UnknownSessionException;
import coinpurse.sandbox.CardRefusedException;
import coinpurse.sandbox.SandboxConflictException;
import coinpurse.stripe.StripeFailureException;
import coinpurse.wallet.ExpiryInThePastException;
import coinpurse.wallet.IdempotencyConflictException;
import coinpurse.wallet.InsufficientFundsException;
import java.util.List;
import java.util.Map;

/**
 * The one table from domain exceptions to the SPEC's answers: status, {@code error} code and
 * message. The domain throws these knowing nothing of HTTP; the controllers' own 400s, 401s and
 * 404s are {@code ApiException}s, and everything unexpected is a fixed 500.
 */
final class ErrorTable {
    private ErrorTable() {}

    static List<ErrorRule<?>> rules() {
        return List.of(
                ErrorRule.of(InvalidCheckoutException.class, 400, e -> e.reason().code()),
                ErrorRule.of(UnknownSessionException.class, 404, "not_found"),
                ErrorRule.of(ExpiryInThePastException.class, 400, "bad_request"),
                ErrorRule.of(CaptureExceedsHoldException.class, 400, "capture_exceeds_hold"),
                ErrorRule.of(UnknownHoldException.class, 404, "not_found"),
                ErrorRule.of(HoldClosedException.class, 409, "hold_closed")
                        .withFields(e -> Map.of("status", e.status())),
                ErrorRule.of(HoldExpiredException.class, 409, "hold_expired")
                        .withFields(e -> Map.of("status", e.status())),
                ErrorRule.of(InsufficientFundsException.class, 409, "insufficient_funds"),
                ErrorRule.of(IdempotencyConflictException.class, 409, "idempotency_conflict"),
                ErrorRule.of(CheckoutRateLimitedException.class, 429, "too_many_requests")
                        .decoratedBy((e, ctx) -> ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()))),
                ErrorRule.of(PackageMisconfiguredException.class, 502, "package_misconfigured"),
                ErrorRule.of(CardRefusedException.class, 402, CardRefusedException::code),
                ErrorRule.of(SandboxConflictException.class, 409, SandboxConflictException::code),
                ErrorRule.of(StripeFailureException.class, 502, "stripe_unavailable")
                        .withFixedMessageAndWarned("The payment provider did not answer. Please try again in a moment."),
                ErrorRule.of(DatabaseException.class, 503, "database_unavailable")
                        .withFixedMessageAndLogged("The database is unavailable right now. Please try again shortly."));
    }
}
