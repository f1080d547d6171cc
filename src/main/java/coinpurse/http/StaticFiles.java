package coinpurse.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A few fixed files of a page (HTML, scripts, styles) read once from one classpath folder and
 * served with a strict Content-Security-Policy: only the files named here, whatever a path asks
 * for, so that no request can reach another resource. A missing file is a broken build: it fails at
 * start.
 */
public final class StaticFiles {
    /**
     * Scripts and styles from these files only; the page talks to this server only. No referrer ever
     * carries an address (the demo's may hold a token for a moment) elsewhere.
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8");

    private record StaticFile(byte[] bytes, String contentType) {}

    private final Map<String, StaticFile> files;

    private StaticFiles(Map<String, StaticFile> files) {
        this.files = Map.copyOf(files);
    }

    /** Reads each of {@code names} (ending in .html, .js or .css) from the classpath {@code folder}. */
    public static StaticFiles fromResources(String folder, String... names) {
        Map<String, StaticFile> files = new HashMap<>();
        for (String name : names) {
            String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            String type = TYPES.get(extension);
            if (type == null) {
                throw new IllegalArgumentException("no content type for " + name);
            }
            files.put(name, new StaticFile(read(folder, name), type));
        }
        return new StaticFiles(files);
    }

    /** Sends the file {@code name}; anything not read at start is an unknown route (404). */
    public void send(Context ctx, String name) {
        StaticFile file = files.get(name);
        if (file == null) {
            throw ApiException.notFound("No such route: " + ctx.method() + " " + ctx.path());
        }
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(file.contentType()).result(file.bytes());
    }

    private static byte[] read(String folder, String name) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(folder + name)) {
            if (in == null) {
                throw new IllegalStateException("the file " + folder + name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the file " + folder + name, e);
        }
    }
}
