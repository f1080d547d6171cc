package coinpurse.events;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookSigningException;

/**
 * Signs a pushed event by the Standard Webhooks scheme (standardwebhooks.com), with its own Java
 * library: {@code webhook-signature: v1,<base64 of HMAC-SHA256(key, "id.timestamp.body")>}, the key
 * being the base64-decoded part of {@code events.webhook_secret} after {@code whsec_}.
 */
final class StandardWebhooks {
    static final String ID = "webhook-id";
    static final String TIMESTAMP = "webhook-timestamp";
    static final String SIGNATURE = "webhook-signature";

    private final Webhook webhook;

    /** {@code secret}: {@code whsec_} and a base64 key, as the config has checked it. */
    StandardWebhooks(String secret) {
        try {
            this.webhook = new Webhook(secret);
        } catch (EmptyWebhookSecretException e) {
            throw new IllegalArgumentException("events.webhook_secret is empty", e);
        }
    }

    /** The {@code webhook-signature} header of {@code body} sent as message {@code id} at {@code timestamp} (seconds). */
    String signature(String id, long timestamp, String body) {
        try {
            return webhook.sign(id, timestamp, body);
        } catch (WebhookSigningException e) {
            throw new IllegalStateException("cannot sign event " + id, e);
        }
    }
}
