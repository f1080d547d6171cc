package coinpurse.hostile;

import static coinpurse.hostile.HostileServer.COOKIE;

import coinpurse.hostile.Route.Caller;
import coinpurse.support.RawHttp.Request;
import java.util.Locale;

/** Who the request claims to be. */
enum Credential {
    NONE, USER_TOKEN, USER_COOKIE, INTERNAL_KEY, WRONG_INTERNAL_KEY, GARBAGE;

    Request apply(Request request, HostileServer hostile) {
        return switch (this) {
            case NONE -> request;
            case USER_TOKEN -> request.header("Authorization", "Bearer " + hostile.fuzzToken);
            case USER_COOKIE -> request.header("Cookie", COOKIE + "=" + hostile.fuzzToken);
            case INTERNAL_KEY -> request.header("Authorization", "Bearer " + HostileServer.INTERNAL_KEY);
            case WRONG_INTERNAL_KEY -> request.header("Authorization",
                    "Bearer " + HostileServer.INTERNAL_KEY.toUpperCase(Locale.ROOT));
            case GARBAGE -> request.header("Authorization", "Bearer \u00e9\u00e9.\u00ff.%00");
        };
    }

    boolean admits(Caller caller) {
        return switch (caller) {
            case ANYONE, STRIPE -> true;
            case USER -> this == USER_TOKEN || this == USER_COOKIE;
            case INTERNAL -> this == INTERNAL_KEY;
        };
    }
}
