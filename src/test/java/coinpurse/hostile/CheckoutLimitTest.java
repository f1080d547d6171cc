package coinpurse.hostile;

import static coinpurse.hostile.HostileServer.CREATE;
import static coinpurse.support.JsonAssertions.assertSpecAnswer;
import static coinpurse.support.JsonAssertions.strictJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.RawHttp.Answer;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import org.junit.jupiter.api.Test;

/** One user hammering create-checkout-session: the rate limit holds whatever the token. */
class CheckoutLimitTest {
    @RunningServer(env = {"RATELIMIT_CHECKOUT_PER_MINUTE=3"})
    static TestServer limited;

    /**
     * The limit counts users, not tokens: a fresh token for the same user does not reset it,
     * and requests refused before Stripe (bad bodies) do not use it up.
     */
    @Test
    void theCheckoutLimitIsPerUserWhateverTheTokenAndAnswers429WithRetryAfter() {
        String popular = "{\"package_id\": \"popular\"}";
        for (int i = 0; i < 5; i++) {
            Answer bad = Answer.of(limited.post(CREATE, "{\"package_id\": \"no-such\"}", limited.token("rl-busy")));
            assertEquals(400, bad.status(), bad.toString());
        }
        for (int i = 0; i < 3; i++) {
            Answer fine = Answer.of(limited.post(CREATE, popular, limited.token("rl-busy")));
            assertEquals(200, fine.status(), "checkout " + (i + 1) + ": " + fine);
        }

        for (int i = 0; i < 3; i++) {
            Answer limitedAnswer = Answer.of(limited.post(CREATE, popular, limited.token("rl-busy")));

            assertEquals(429, limitedAnswer.status(), limitedAnswer.toString());
            assertSpecAnswer(limitedAnswer, popular);
            assertEquals("too_many_requests", strictJson(limitedAnswer).get("error").asText());
            long retryAfter = Long.parseLong(limitedAnswer.header("retry-after"));
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        }
        assertEquals(3, limited.stripe().createRequests().stream()
                .filter(sent -> "rl-busy".equals(sent.get("client_reference_id"))).count(),
                "Stripe saw only the allowed ones");
        Answer other = Answer.of(limited.post(CREATE, popular, limited.token("rl-other")));
        assertEquals(200, other.status(), other.toString());
    }
}
