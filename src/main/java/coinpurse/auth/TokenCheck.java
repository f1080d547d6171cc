package coinpurse.auth;

import java.time.Instant;

/** What checking one user token found: the user it names, or why it was refused. */
public sealed interface TokenCheck {

    /** A valid token for {@code userId}, accepted while {@code acceptedFrom <= now < acceptedUntil}. */
    record Accepted(String userId, Instant acceptedFrom, Instant acceptedUntil) implements TokenCheck {
        boolean acceptedAt(Instant now) {
            return !now.isBefore(acceptedFrom) && now.isBefore(acceptedUntil);
        }
    }

    /**
     * A refused token: the reason, and a detail for the log that holds nothing of the token but
     * its time claims, the JSON type of its {@code sub} or a short, checked {@code alg}.
     */
    record Refused(Reason reason, String detail) implements TokenCheck {}

    /** Why a token is refused, by the code the log shows. */
    enum Reason {
        MALFORMED("malformed"),
        ALG_NOT_HS256("alg_not_hs256"),
        BAD_SIGNATURE("bad_signature"),
        EXPIRED("expired"),
        NOT_YET_VALID("not_yet_valid"),
        SUB_MISSING("sub_missing"),
        SUB_NOT_A_STRING("sub_not_a_string"),
        SUB_NOT_A_USER_ID("sub_not_a_user_id"),
        EXP_MISSING("exp_missing");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}
