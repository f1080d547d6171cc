package coinpurse.stripe;

import com.stripe.net.Webhook;
import java.util.List;

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
     * True when any secret verifies the payload. stripe-java throws different exceptions
     * for a missing header, a malformed timestamp and a wrong signature; all mean "no".
     */
    public boolean verify(String payload, String signatureHeader) {
        if (signatureHeader == null || signatureHeader.isBlank()) {
            return false;
        }
        for (String secret : secrets) {
            try {
                if (Webhook.Signature.verifyHeader(payload, signatureHeader, secret, TOLERANCE_SECONDS)) {
                    return true;
                }
            } catch (Exception notThisSecret) {
                // try the next secret
            }
        }
        return false;
    }
}
