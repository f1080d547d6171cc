package coinpurse.http;

import coinpurse.db.DatabaseException;
import coinpurse.stripe.StripeFailureException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every exception and every unrouted request into the SPEC's JSON error. Details
 * go to the log; the client gets only the code and a fixed sentence.
 */
public final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {}

    public static void register(RoutesConfig routes) {
        routes.exception(ApiException.class, (e, ctx) -> {
            if (e instanceof TooManyRequestsException limited) {
                ctx.header("Retry-After", Long.toString(limited.retryAfterSeconds()));
            }
            respond(ctx, e.status(), e.code(), e.getMessage());
        });
        routes.exception(DatabaseException.class, (e, ctx) -> {
            log.error("database unavailable on {} {}", ctx.method(), ctx.path(), e);
            respond(ctx, 503, "database_unavailable",
                    "The database is unavailable right now. Please try again shortly.");
        });
        routes.exception(StripeFailureException.class, (e, ctx) -> {
            log.error("Stripe failed on {} {}", ctx.method(), ctx.path(), e);
            respond(ctx, 502, "stripe_unavailable",
                    "The payment provider did not answer. Please try again in a moment.");
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> respondToJavalin(ctx, e));
        routes.exception(Exception.class, (e, ctx) -> {
            log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
            respond(ctx, 500, "internal_error", "Something went wrong on our side.");
        });
        routes.error(404, ctx -> {
            if (nothingWritten(ctx)) {
                respond(ctx, 404, "not_found", "No such route: " + ctx.method() + " " + ctx.path());
            }
        });
        routes.error(405, ctx -> {
            if (nothingWritten(ctx)) {
                respond(ctx, 405, "method_not_allowed", "This route does not accept " + ctx.method() + ".");
            }
        });
    }

    public static void respond(Context ctx, int status, String code, String message) {
        ctx.status(status).json(new ErrorBody(code, message));
    }

    /** Javalin's own rejections (body too large, and the like) in our shape. */
    private static void respondToJavalin(Context ctx, HttpResponseException e) {
        int status = e.getStatus();
        switch (status) {
            case 413 -> respond(ctx, 413, "payload_too_large", "The request body is too large.");
            case 400 -> respond(ctx, 400, "bad_request", "The request could not be read.");
            case 404 -> respond(ctx, 404, "not_found", "No such route: " + ctx.method() + " " + ctx.path());
            default -> respond(ctx, status, "http_" + status, "The request could not be handled.");
        }
    }

    private static boolean nothingWritten(Context ctx) {
        return ctx.resultInputStream() == null;
    }
}
