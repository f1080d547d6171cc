package coinpurse.support;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The other end of an event stream opened on a raw socket that was not read for a while: reads what
 * the server left in it until the server ends the stream, and tells which events it holds whole.
 */
public final class StuckClient {
    private StuckClient() {}

    /**
     * Reads {@code socket} until the server closes it (or resets it); fails if it stays open for
     * {@code quiet} without a byte. Answers the ids of the events that arrived whole, in order.
     */
    public static List<String> readUntilTheServerEndsIt(Socket socket, Duration quiet) throws IOException {
        socket.setSoTimeout((int) quiet.toMillis());
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] chunk = new byte[8192];
        try {
            int read;
            while ((read = in.read(chunk)) >= 0) {
                raw.write(chunk, 0, read);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not end the stream; it sent " + raw.size() + " bytes", e);
        } catch (SocketException reset) {
            // cut off: what came before is what it had
        }
        return wholeEventIds(body(raw.toByteArray()));
    }

    /** The body after the answer's headers, as far as it arrived: up to the close, or chunked. */
    private static String body(byte[] answer) {
        String text = new String(answer, ISO_8859_1);
        int at = text.indexOf("\r\n\r\n");
        if (at < 0 || !text.startsWith("HTTP/1.1 200")) {
            throw new AssertionError("not a stream: " + text.substring(0, Math.min(text.length(), 300)));
        }
        boolean chunked = text.substring(0, at).toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked");
        at += 4;
        if (!chunked) {
            return new String(answer, at, answer.length - at, UTF_8);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int lineEnd = text.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(text.substring(at, lineEnd).trim(), 16);
            int start = lineEnd + 2;
            if (size == 0 || start + size > text.length()) {
                body.write(answer, start, Math.max(0, Math.min(size, text.length() - start)));
                break;
            }
            body.write(answer, start, size);
            at = start + size + 2;
        }
        return body.toString(UTF_8);
    }

    private static List<String> wholeEventIds(String stream) {
        List<String> ids = new ArrayList<>();
        int end;
        int from = 0;
        while ((end = stream.indexOf("\n\n", from)) >= 0) {
            for (String line : stream.substring(from, end).split("\n")) {
                if (line.startsWith("id: ")) {
                    ids.add(line.substring(4));
                }
            }
            from = end + 2;
        }
        return ids;
    }
}
