package coinpurse.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * JWTs written by hand over the exact header and claims text given: forged, broken, or signed
 * with the test servers' secret ({@link TestServer#JWT_SECRET}). A JWT library would refuse to
 * make most of them (duplicate keys, {@code alg: none}, a {@code sub} that is a number).
 */
public final class TokenForge {

    private TokenForge() {}

    /** Claims signed with HS256 and the test secret under a plain {@code {"alg":"HS256","typ":"JWT"}} header. */
    public static String hs256(String claimsJson) {
        return mac("HmacSHA256", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claimsJson, TestServer.JWT_SECRET);
    }

    /** As {@link #hs256}, under {@code headerJson}. */
    public static String hs256With(String headerJson, String claimsJson) {
        return mac("HmacSHA256", headerJson, claimsJson, TestServer.JWT_SECRET);
    }

    /** Header and claims with {@code signature} as the third part, as it is. */
    public static String unsigned(String headerJson, String claimsJson, String signature) {
        return b64(headerJson.getBytes(UTF_8)) + "." + b64(claimsJson.getBytes(UTF_8)) + "." + signature;
    }

    /** A JWS over the exact header and claims text given, MACed with {@code algorithm} and {@code secret}. */
    public static String mac(String algorithm, String headerJson, String claimsJson, String secret) {
        String input = b64(headerJson.getBytes(UTF_8)) + "." + b64(claimsJson.getBytes(UTF_8));
        try {
            Mac mac = Mac.getInstance(algorithm);
            byte[] key = secret.isEmpty() ? new byte[1] : secret.getBytes(UTF_8);
            mac.init(new SecretKeySpec(key, algorithm));
            return input + "." + b64(mac.doFinal(input.getBytes(UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Claims signed with RS256 by a key pair of our own, which no server knows. */
    public static String rs256(String claimsJson) {
        String input = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(UTF_8)) + "." + b64(claimsJson.getBytes(UTF_8));
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(Rsa.KEYS.getPrivate());
            signer.update(input.getBytes(UTF_8));
            return input + "." + b64(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Made on first use: a 2048-bit key takes a moment. */
    private static final class Rsa {
        static final KeyPair KEYS = generate();

        private static KeyPair generate() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                return generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
