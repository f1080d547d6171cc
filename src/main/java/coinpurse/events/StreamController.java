package coinpurse.events;

import coinpurse.auth.TokenCheck;
import coinpurse.auth.UserAuth;
import coinpurse.http.ApiException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.sse.SseClient;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/coins/stream}: the signed-in user's events as Server-Sent Events ({@code id:} the
 * sequence, {@code event:} the type, {@code data:} the event's JSON), on Javalin's SSE support. Without
 * {@code Last-Event-ID} it starts after the user's last event at the time it opens; with it (or the
 * {@code last_event_id} query parameter, for a page that opens a new EventSource after a reload; the
 * header wins, since EventSource sends it on each reconnect) it resumes right after that sequence.
 *
 * <p>The stream ends when the token it was opened with is no longer accepted: the client reconnects
 * with the token (or cookie) it has then.
 *
 * <p>{@link #admit} runs before the answer starts, so that a refusal is still a JSON error: Javalin's
 * SSE handler commits a 200 before it hands over the client. {@link #open} then registers the
 * client with the hub and returns: the open stream holds no thread ({@link SseClient#keepAlive} makes
 * the request asynchronous until the stream ends).
 */
public final class StreamController {
    private static final Logger log = LoggerFactory.getLogger(StreamController.class);
    private static final String USER = "coinpurse.stream.user";
    private static final String AFTER = "coinpurse.stream.after";
    private static final String UNTIL = "coinpurse.stream.until";
    private static final String EVENT_STREAM = "text/event-stream";
    /** A sequence is a long: at most 19 digits; 18 keep any value parseable. */
    private static final int MAX_SEQUENCE_DIGITS = 18;
    private static final int OUTPUT_BUFFER_BYTES = 1024;

    private final UserAuth auth;
    private final EventFeed feed;
    private final EventStreams streams;

    public StreamController(UserAuth auth, EventFeed feed, EventStreams streams) {
        this.auth = auth;
        this.feed = feed;
        this.streams = streams;
    }

    /** A before-handler of the route: the user, and where the stream starts; or the refusal. */
    public void admit(Context ctx) {
        if (!HandlerType.GET.equals(ctx.method())) {
            return; // not the stream: answered as any other unknown method
        }
        TokenCheck.Accepted token = auth.requireToken(ctx);
        String user = token.userId();
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains(EVENT_STREAM)) {
            throw new ApiException(406, "not_acceptable", "This route answers only Server-Sent Events:"
                    + " send 'Accept: text/event-stream' (EventSource does).");
        }
        long last = feed.lastSequence(user);
        long after = resumeAfter(ctx).orElse(last);
        if (after > last) {
            throw ApiException.badRequest("Last-Event-ID " + after + " is after this user's last event (" + last
                    + "): it belongs to another user or another database. Open the stream without it.");
        }
        ctx.attribute(USER, user);
        ctx.attribute(AFTER, after);
        ctx.attribute(UNTIL, token.acceptedUntil());
        // Jetty keeps an answer's output buffer (32 KB by default) until the answer ends: each event
        // is flushed on its own, so a small one does, and a thousand open streams keep 1 MB, not 32.
        ctx.res().setBufferSize(OUTPUT_BUFFER_BYTES);
    }

    /** The SSE handler: registers the client with the hub, which writes to it from now on. */
    public void open(SseClient client) {
        Context ctx = client.ctx();
        String user = ctx.attribute(USER);
        Long after = ctx.attribute(AFTER);
        Instant until = ctx.attribute(UNTIL);
        client.keepAlive();
        SseSink sink = new SseSink(client, ServletContextRequest.getServletContextRequest(ctx.req())
                .getServletChannel().getEndPoint());
        try {
            OpenStream stream = streams.open(user, after, until, sink);
            client.onClose(stream::clientGone);
        } catch (RuntimeException e) {
            // The server stops, or the database does not answer: the client tries again.
            log.warn("event stream of user {} could not open: {}", user, e.toString());
            sink.abort();
        }
    }

    private static Optional<Long> resumeAfter(Context ctx) {
        String header = ctx.header("Last-Event-ID");
        String given = header != null && !header.isBlank() ? header : ctx.queryParam("last_event_id");
        if (given == null || given.isBlank()) {
            return Optional.empty();
        }
        String sequence = given.strip();
        if (sequence.length() > MAX_SEQUENCE_DIGITS || !sequence.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ApiException.badRequest("Last-Event-ID must be the id of an event this stream sent"
                    + " (a whole number); last_event_id too.");
        }
        return Optional.of(Long.parseLong(sequence));
    }

    /** The client's connection, written to by the hub's writers. */
    private static final class SseSink implements StreamSink {
        private final SseClient client;
        private final EndPoint endPoint;

        SseSink(SseClient client, EndPoint endPoint) {
            this.client = client;
            this.endPoint = endPoint;
        }

        @Override
        public boolean send(AppEvent event) {
            if (client.terminated()) {
                return false;
            }
            client.sendEvent(event.type(), EventJson.of(event), Long.toString(event.sequence()));
            return !client.terminated();
        }

        @Override
        public boolean comment(String text) {
            if (client.terminated()) {
                return false;
            }
            client.sendComment(text);
            return !client.terminated();
        }

        @Override
        public void abort() {
            // Closing the connection first fails a write blocked on it at once; then the answer ends.
            endPoint.close();
            client.close();
        }
    }
}
