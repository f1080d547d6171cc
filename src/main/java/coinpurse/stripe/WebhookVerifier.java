package coinpurse.stripe;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import java.util.List;
import java.util.Optional;

/**
 * Checks a webhook's {@code Stripe-Signature} with Stripe's scheme against each configured
 * secret (several while a secret is being rotated), with a 300 s tolerance.
 */
public final class WebhookVerifier {
    public static final long TOLERANCE_SECONDS = 300;

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
        for (String secret : secrets) {
            try {
                if (Webhook.Signature.verifyHeader(payload, signatureHeader, secret, TOLERANCE_SECONDS)) {
                    return Optional.empty();
                }
            } catch (SignatureVerificationException e) {
                reason = e.getMessage();
            } catch (RuntimeException malformed) {
                reason = "malformed Stripe-Signature header";
            }
        }
        return Optional.of(reason);
    }
}
