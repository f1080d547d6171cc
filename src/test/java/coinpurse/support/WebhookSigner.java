package coinpurse.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs webhook payloads the way Stripe does, to build {@code Stripe-Signature} headers in tests. */
public final class WebhookSigner {

    private WebhookSigner() {}

    /** The {@code Stripe-Signature} header of {@code payload}, signed now with {@code secret}. */
    public static String sign(String payload, String secret) {
        return sign(payload, secret, Instant.now().getEpochSecond());
    }

    /** The {@code Stripe-Signature} header of {@code payload}, signed at {@code epochSeconds} with {@code secret}. */
    public static String sign(String payload, String secret, long epochSeconds) {
        return "t=" + epochSeconds + ",v1=" + hmacSha256Hex(secret, epochSeconds + "." + payload);
    }

    // Stripe keys the HMAC with the whole secret string, "whsec_" prefix included, not a decoded key.
    private static String hmacSha256Hex(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
