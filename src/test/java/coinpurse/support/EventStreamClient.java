package coinpurse.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events client for the tests, on the JDK's HttpClient: it opens a stream, reads its
 * {@code text/event-stream} line by line on a thread of its own, as the SSE specification parses it
 * (fields {@code id}, {@code event}, {@code data}; comment lines; a blank line dispatches), and queues
 * what it read, each with the time it arrived.
 */
public final class EventStreamClient implements AutoCloseable {
    /** One dispatched event: {@code id:}, {@code event:} and {@code data:} as sent. */
    public record Event(String id, String event, String data, long receivedNanos) {}

    private static final Event END = new Event(null, null, null, 0);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean ended;

    private EventStreamClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "test-sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Opens {@code url} with {@code headers} (an Authorization, a Cookie, a Last-Event-ID) and
     * {@code Accept: text/event-stream}; returns once the answer's headers came. Any status: the
     * caller checks {@link #status()}.
     */
    public static EventStreamClient open(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET()
                .header("Accept", "text/event-stream");
        headers.forEach(request::header);
        try {
            return new EventStreamClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int status() {
        return response.statusCode();
    }

    /** The answer's header {@code name}, or null. */
    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    public String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    /** The next event, waiting up to {@code timeout}; fails if none came or the stream ended. */
    public Event next(Duration timeout) {
        try {
            Event event = events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("no event within " + timeout.toMillis() + " ms");
            }
            if (event == END) {
                events.add(END);
                throw new AssertionError("the stream ended");
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next {@code count} events, each within {@code timeout}. */
    public List<Event> next(int count, Duration timeout) {
        List<Event> read = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            read.add(next(timeout));
        }
        return read;
    }

    /** The events already read, without waiting (none when the stream ended). */
    public List<Event> drain() {
        List<Event> read = new ArrayList<>();
        events.drainTo(read);
        read.remove(END);
        return read;
    }

    /** The next comment line's text, waiting up to {@code timeout}; null if none came. */
    public String nextComment(Duration timeout) {
        try {
            return comments.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits up to {@code timeout} for the server to end the stream; true if it did. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        reader.join(timeout.toMillis());
        return ended;
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String type = null;
            StringBuilder data = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, type, data.toString(), System.nanoTime()));
                    }
                    type = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1).strip());
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> type = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> { } // retry and unknown fields: not sent here
                    }
                }
            }
        } catch (IOException e) {
            // the connection was cut: the stream ended
        } finally {
            ended = true;
            events.add(END);
        }
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // already closed
        }
        reader.interrupt();
    }
}
