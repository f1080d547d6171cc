package coinpurse.support;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.fail;

import coinpurse.http.MethodOverrideGuard;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 written byte for byte over a socket to a server on 127.0.0.1, so that requests the
 * JDK client refuses to send (invalid UTF-8 in a header, broken chunking, two Content-Lengths)
 * go out too. One request per connection ({@code Connection: close}); the answer is read until
 * the server closes.
 */
public final class RawHttp implements AutoCloseable {
    private static final int READ_TIMEOUT_MILLIS = 20_000;
    /** A well-formed request line's method and path (the target up to its query). */
    private static final Pattern REQUEST_LINE = Pattern.compile("([A-Z]+) (/[^ ?#\\r\\n]*)[^ \\r\\n]* HTTP/1\\.1\\r\\n");

    private final int port;
    private final ExecutorService writers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "raw-http-writer");
        thread.setDaemon(true);
        return thread;
    });

    public RawHttp(int port) {
        this.port = port;
    }

    public Answer send(Request request) {
        Answer answer = sendRaw(request.bytes());
        return request.method().equals("HEAD")
                ? new Answer(answer.status(), answer.headers(), answer.body(), true)
                : answer;
    }

    /**
     * Writes {@code request} (from another thread, so that a server answering before it has
     * read everything cannot deadlock us) and reads the answer until the server closes.
     */
    public Answer sendRaw(byte[] request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            Future<?> writing = writers.submit(() -> {
                try {
                    out.write(request);
                    out.flush();
                    socket.shutdownOutput();
                } catch (IOException answeredEarly) {
                    // The server may answer (413) and close before it has read everything.
                }
                return null;
            });
            byte[] received = readAll(socket.getInputStream());
            writing.cancel(true);
            Answer answer = parse(received);
            assertDescribed(request, answer);
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        writers.shutdownNow();
    }

    /** Whether the request has an {@code X-HTTP-Method-Override} header, which the app refuses on any route. */
    private static boolean carriesMethodOverride(String request) {
        int headersEnd = request.indexOf("\r\n\r\n");
        for (String header : request.substring(0, headersEnd < 0 ? request.length() : headersEnd).split("\r\n")) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase(MethodOverrideGuard.HEADER)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Fails unless {@code answer} is one docs/openapi.yaml describes for the request's method and
     * path, or one the HTTP layer gives any malformed request ({@link OpenApiContract.Strictness#ALSO_HTTP_LAYER}).
     * A request line that is not {@code METHOD /path HTTP/1.1} reached no route: only the error shape is checked.
     */
    private static void assertDescribed(byte[] request, Answer answer) {
        String text = new String(request, 0, Math.min(request.length, 8192), ISO_8859_1);
        Matcher line = REQUEST_LINE.matcher(text);
        String method = line.lookingAt() ? line.group(1) : "(malformed)";
        String path = line.lookingAt() ? line.group(2) : "(malformed)";
        String body = answer.headOnly() ? "" : answer.body();
        Optional<String> problem = line.lookingAt() && carriesMethodOverride(text)
                ? OpenApiContract.get().methodOverrideProblem(method, path, answer.status(), answer.header("content-type"),
                        body, OpenApiContract.Strictness.ALSO_HTTP_LAYER)
                : OpenApiContract.get().problem(method, path, answer.status(), answer.header("content-type"),
                        answer.headers(), body, OpenApiContract.Strictness.ALSO_HTTP_LAYER);
        problem.ifPresent(found -> fail("not as docs/openapi.yaml describes: " + found + "\nfor: " + clip(text)));
    }

    /** A request to build byte for byte: method, target, headers (UTF-8, unchecked) and a body (null: none). */
    public record Request(String method, String target, List<String[]> headers, byte[] body, boolean chunked) {

        public Request(String method, String target) {
            this(method, target, List.of(), null, false);
        }

        /** A POST of {@code body} as {@code application/json}. */
        public static Request post(String target, String body) {
            return post(target, body.getBytes(UTF_8), false);
        }

        /** A POST of {@code body} as {@code application/json}, with a Content-Length or in chunks. */
        public static Request post(String target, byte[] body, boolean chunked) {
            return new Request("POST", target).body(body, chunked).header("Content-Type", "application/json");
        }

        public Request header(String name, String value) {
            List<String[]> more = new ArrayList<>(headers);
            more.add(new String[] {name, value});
            return new Request(method, target, more, body, chunked);
        }

        public Request headers(List<String[]> replaced) {
            return new Request(method, target, replaced, body, chunked);
        }

        public Request body(byte[] content, boolean inChunks) {
            return new Request(method, target, headers, content, inChunks);
        }

        public byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            write(out, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            for (String[] header : headers) {
                write(out, header[0] + ": " + header[1] + "\r\n");
            }
            if (body != null && chunked) {
                write(out, "Transfer-Encoding: chunked\r\n\r\n");
                for (int at = 0; at < body.length; at += 64 * 1024) {
                    int length = Math.min(64 * 1024, body.length - at);
                    write(out, Integer.toHexString(length) + "\r\n");
                    out.write(body, at, length);
                    write(out, "\r\n");
                }
                write(out, "0\r\n\r\n");
            } else if (body != null) {
                write(out, "Content-Length: " + body.length + "\r\n\r\n");
                out.writeBytes(body);
            } else {
                write(out, "\r\n");
            }
            return out.toByteArray();
        }

        /** The request as text, for failure messages and for telling an echo from a leak. */
        public String describe() {
            StringBuilder text = new StringBuilder(method).append(' ').append(target);
            headers.forEach(header -> text.append('\n').append(header[0]).append(": ").append(header[1]));
            if (body != null) {
                text.append("\n\n").append(new String(body, UTF_8));
            }
            return text.toString();
        }

        private static void write(ByteArrayOutputStream out, String text) {
            out.writeBytes(text.getBytes(UTF_8));
        }
    }

    /** What came back: status, headers (names in lower case) and the body as UTF-8; {@code headOnly} for HEAD. */
    public record Answer(int status, Map<String, List<String>> headers, String body, boolean headOnly) {

        /** An answer the JDK client received (e.g. through {@link TestServer#post}), in the same shape. */
        public static Answer of(HttpResponse<String> response) {
            Map<String, List<String>> headers = new TreeMap<>();
            response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
            return new Answer(response.statusCode(), headers, response.body(), false);
        }

        /** The first value of header {@code name} (lower case), or null. */
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + clip(body);
        }
    }

    /** {@code text}, cut to 600 characters for a failure message. */
    public static String clip(String text) {
        return text.length() > 600 ? text.substring(0, 600) + "…(" + text.length() + " chars)" : text;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            fail("no end of the answer within " + READ_TIMEOUT_MILLIS / 1000 + " s; received: "
                    + clip(received.toString(ISO_8859_1)));
        } catch (SocketException reset) {
            // A reset after the answer (the server closed with our unread bytes pending) is fine if one came.
            if (received.size() == 0) {
                throw reset;
            }
        }
        return received.toByteArray();
    }

    private static Answer parse(byte[] received) {
        String text = new String(received, ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            fail("not an HTTP answer: '" + clip(text) + "'");
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, List<String>> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        byte[] body = Arrays.copyOfRange(received, end + 4, received.length);
        List<String> encoding = headers.get("transfer-encoding");
        if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
            body = dechunk(body);
        }
        return new Answer(status, headers, new String(body, UTF_8), false);
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = lineEnd(chunked, at);
            int size = Integer.parseInt(new String(chunked, at, lineEnd - at, ISO_8859_1).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int lineEnd(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        throw new AssertionError("a broken chunked answer");
    }
}
