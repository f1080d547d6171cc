package coinpurse.stripe;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a webhook's {@code Stripe-Signature} with Stripe's scheme against each configured
 * secret (several while a secret is being rotated), with a 300 s tolerance.
 */
public final class WebhookVerifier {
    public static final long TOLERANCE_SECONDS = 300;
    /**
     * Told when a well-formed signature was made with none of the configured secrets: the usual
     * cause is a {@code stripe listen} session's secret, which is not the Dashboard endpoint's.
     */
    public static final String OTHER_SECRET_HINT = "no configured secret made this signature: `stripe listen`"
            + " signs with the whsec_ it prints (`stripe listen --print-secret`), another secret than the"
            + " Dashboard endpoint's; stripe.webhook_secret (STRIPE_WEBHOOK_SECRET) takes both, comma separated";
    private static final Pattern TIMESTAMP = Pattern.compile("(^|,)t=\\d+(,|$)");

    private final List<String> secrets;

    public WebhookVerifier(List<String> secrets) {
        this.secrets = List.copyOf(secrets);
    }

    public boolean isConfigured() {
        return !secrets.isEmpty();
    }

    /**
     * Empty when any secret verifies the payload, else why none did (for the log).
     * stripe-java throws different exceptions for a missing header, a malformed timestamp
     * and a wrong signature; all of them mean "not from Stripe".
     */
    public Optional<String> rejection(String payload, String signatureHeader) {
        if (signatureHeader == null || signatureHeader.isBlank()) {
            return Optional.of("no Stripe-Signature header");
        }
        String reason = "no secret matched";
        boolean signedByNone = true;
        for (String secret : secrets) {
            try {
                if (Webhook.Signature.verifyHeader(payload, signatureHeader, secret, TOLERANCE_SECONDS)) {
                    return Optional.empty();
                }
            } catch (SignatureVerificationException e) {
                reason = e.getMessage();
                signedByNone &= !signedBy(payload, signatureHeader, secret);
            } catch (RuntimeException malformed) {
                reason = "malformed Stripe-Signature header";
            }
        }
        boolean wellFormed = TIMESTAMP.matcher(signatureHeader).find() && signatureHeader.contains("v1=");
        return Optional.of(signedByNone && wellFormed ? reason + "; " + OTHER_SECRET_HINT : reason);
    }

    /** Whether {@code secret} made the header's signature, however old its timestamp (tolerance 0 skips that check). */
    private static boolean signedBy(String payload, String signatureHeader, String secret) {
        try {
            return Webhook.Signature.verifyHeader(payload, signatureHeader, secret, 0);
        } catch (SignatureVerificationException | RuntimeException notThisOne) {
            return false;
        }
    }
}
