package coinpurse.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every exception and every unrouted request into the SPEC's JSON error: the HTTP edge's
 * own {@link ApiException}s, the rules given for domain exceptions, Javalin's and Jetty's
 * rejections, and a fixed 500 for anything else. Details go to the log; the client gets only
 * the code and a sentence.
 */
public final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);
    /** How much of a body over the limit is read and dropped before the 413 (beyond it, the connection is cut). */
    private static final long DISCARDED_AT_MOST = 8L * 1024 * 1024;

    private ErrorMapping() {}

    public static void register(RoutesConfig routes, List<ErrorRule<?>> domainRules) {
        routes.exception(ApiException.class, (e, ctx) -> respond(ctx, e.status(), e.code(), e.getMessage()));
        domainRules.forEach(rule -> register(routes, rule));
        routes.exception(HttpResponseException.class, (e, ctx) -> respondToJavalin(ctx, e));
        routes.exception(Exception.class, (e, ctx) -> {
            if (unreadableRequest(e)) {
                // The client broke off its body or sent broken chunks: its fault, not ours.
                log.info("unreadable request body on {} {}: {}", ctx.method(), ctx.path(), e.toString());
                respond(ctx, 400, "bad_request", "The request body could not be read.");
                return;
            }
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

    private static <E extends Exception> void register(RoutesConfig routes, ErrorRule<E> rule) {
        routes.exception(rule.type(), (e, ctx) -> {
            switch (rule.logged()) {
                case WITH_STACK -> log.error("{} on {} {}", rule.code().apply(e), ctx.method(), ctx.path(), e);
                case ONE_WARN_LINE -> {
                    log.warn("{} on {} {}: {}", rule.code().apply(e), ctx.method(), ctx.path(), e.getMessage());
                    log.debug("the stack of that failure", e);
                }
                case NOT -> { }
            }
            rule.decorate().accept(e, ctx);
            Map<String, Object> fields = rule.fields().apply(e);
            if (fields.isEmpty()) {
                respond(ctx, rule.status(), rule.code().apply(e), rule.message().apply(e));
            } else {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", rule.code().apply(e));
                body.put("message", rule.message().apply(e));
                body.putAll(fields);
                ctx.status(rule.status()).json(body);
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
            case 413 -> {
                discardTheRest(ctx);
                respond(ctx, 413, "payload_too_large", "The request body is too large.");
            }
            case 400 -> respond(ctx, 400, "bad_request", "The request could not be read.");
            case 404 -> respond(ctx, 404, "not_found", "No such route: " + ctx.method() + " " + ctx.path());
            default -> respond(ctx, status, "http_" + status, "The request could not be handled.");
        }
    }

    /**
     * Reads and drops what is left of a chunked body over the limit, up to {@link #DISCARDED_AT_MOST}:
     * a connection closed with unread bytes is reset, and a client still sending its body (a chunked
     * one has no length to refuse before it is sent) would then lose the 413 for an empty answer. A
     * body with a {@code Content-Length} over the limit is refused before it is read, as it was.
     */
    private static void discardTheRest(Context ctx) {
        if (ctx.req().getContentLengthLong() >= 0) {
            return;
        }
        try {
            InputStream rest = ctx.req().getInputStream();
            byte[] buffer = new byte[16 * 1024];
            long left = DISCARDED_AT_MOST;
            for (int read; left > 0 && (read = rest.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0; ) {
                left -= read;
            }
        } catch (IOException | RuntimeException e) {
            // The connection is closed after the answer anyway.
        }
    }

    private static boolean nothingWritten(Context ctx) {
        return ctx.resultInputStream() == null;
    }

    /**
     * Reading the request failed: an early end of the body, bad chunking, and the like. Jetty
     * throws these (an {@link IOException}, or one of its 4xx {@link HttpException}s) from the
     * body's stream, so they reach the handlers as exceptions of their own.
     */
    private static boolean unreadableRequest(Exception e) {
        return e instanceof IOException
                || e instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500;
    }

    /** Jetty's own error pages (requests refused before they reach Javalin) as the SPEC's JSON error. */
    public static ErrorHandler jettyErrorHandler() {
        return new JsonJettyErrors();
    }

    /**
     * Answers what Jetty refuses by itself (a malformed request line, URI or header, headers too
     * large, an unknown HTTP version) with {@code {"error", "message"}} and nosniff, instead of
     * its HTML page. The request was never understood, so nothing of it is echoed back.
     */
    private static final class JsonJettyErrors extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus();
            if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException http) {
                status = http.getCode();
            }
            // An HTTP version we do not speak is the client's malformed request, not our failure.
            if (status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
                status = HttpStatus.BAD_REQUEST_400;
            }
            response.setStatus(status);
            response.getHeaders().put(ERROR_CACHE_CONTROL);
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            if (HttpStatus.hasNoBody(status) || "HEAD".equals(request.getMethod())) {
                callback.succeeded();
                return true;
            }
            String[] error = jettyError(status);
            byte[] body = ("{\"error\":\"" + error[0] + "\",\"message\":\"" + error[1] + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }

        /** The code and the fixed sentence for a status: plain ASCII, nothing to escape. */
        private static String[] jettyError(int status) {
            return switch (status) {
                case 400 -> new String[] {"bad_request", "The request could not be read."};
                case 404 -> new String[] {"not_found", "No such route."};
                case 405 -> new String[] {"method_not_allowed", "This route does not accept this method."};
                case 408 -> new String[] {"request_timeout", "The request took too long to arrive."};
                case 413 -> new String[] {"payload_too_large", "The request body is too large."};
                case 414 -> new String[] {"uri_too_long", "The request URI is too long."};
                case 417 -> new String[] {"expectation_failed", "The Expect header asks for something this server does not do."};
                case 431 -> new String[] {"headers_too_large", "The request headers are too large."};
                case 500 -> new String[] {"internal_error", "Something went wrong on our side."};
                case 503 -> new String[] {"unavailable", "The server is unavailable right now. Please try again shortly."};
                default -> new String[] {"http_" + status, "The request could not be handled."};
            };
        }
    }
}
