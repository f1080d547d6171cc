package coinpurse.support;

import coinpurse.support.StripeWire.Answer;
import coinpurse.support.StripeWire.StripeError;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stripe's {@code Idempotency-Key}s as {@link FakeStripe} keeps them, for every POST that creates:
 * the answer remembered for a key is replayed to a later request with the same key, endpoint and
 * parameters (marked {@code Idempotent-Replayed: true}); the same key with another endpoint or
 * other parameters is Stripe's {@code idempotency_error}. Which answers are remembered is the
 * endpoint's call. Not thread-safe: the fake's lock guards it.
 */
final class IdempotentReplays {

    private record Replay(String path, Map<String, String> params, Answer answer) {}

    private final Map<String, Replay> byKey = new HashMap<>();

    /** The answer to replay for {@code key}, or null when the request is new (or has no key). */
    Answer replay(String key, String path, Map<String, String> params) {
        Replay replay = key == null ? null : byKey.get(key);
        if (replay == null) {
            return null;
        }
        if (!replay.path().equals(path)) {
            throw new StripeError(400, "idempotency_error", null, null,
                    "Keys for idempotent requests can only be used for the same endpoint they were first used for ('"
                            + path + "' vs '" + replay.path() + "'). Try using a key other than '" + key
                            + "' if you meant to execute a different request.");
        }
        if (!replay.params().equals(params)) {
            throw new StripeError(400, "idempotency_error", null, null,
                    "Keys for idempotent requests can only be used with the same parameters they were"
                            + " first used with. Try using a key other than '" + key
                            + "' if you meant to execute a different request.");
        }
        return replay.answer().asReplay();
    }

    /** Keeps {@code answer} for later requests with {@code key} (none kept without a key). */
    void remember(String key, String path, Map<String, String> params, Answer answer) {
        if (key != null) {
            byKey.put(key, new Replay(path, new LinkedHashMap<>(params), answer));
        }
    }
}
