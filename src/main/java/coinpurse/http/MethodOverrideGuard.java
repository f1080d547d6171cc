package coinpurse.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * Javalin takes a request's method from {@value #HEADER} when one is present (even an empty one),
 * and has no setting to stop it: a GET carrying "POST" would run the POST handler. Registered
 * before every handler, this refuses any request that carries the header.
 */
public final class MethodOverrideGuard implements Handler {
    public static final String HEADER = "X-HTTP-Method-Override";

    @Override
    public void handle(Context ctx) {
        if (ctx.header(HEADER) != null) {
            throw ApiException.badRequest(HEADER + " is not supported: send the method in the request line.");
        }
    }
}
