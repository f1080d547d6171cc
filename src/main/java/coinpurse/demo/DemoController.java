package coinpurse.demo;

import coinpurse.http.ApiException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code GET /} and {@code GET /demo/{file}}: the demo "Buy Coins" page, a few static files read
 * once from {@code coinpurse/demo/} in the jar. Only the files named here are served, whatever the
 * path asks for, so no request can reach another resource. Wired only with {@code app.demo=true}.
 */
public final class DemoController {
    private static final String FOLDER = "/coinpurse/demo/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "success.html", "text/html; charset=utf-8",
            "cancel.html", "text/html; charset=utf-8",
            "demo.js", "text/javascript; charset=utf-8",
            "demo.css", "text/css; charset=utf-8");
    /**
     * Scripts and styles from these files only; the page talks to this server only. The token
     * may sit in the address for a moment: no referrer ever carries it elsewhere.
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private record StaticFile(byte[] bytes, String contentType) {}

    private final Map<String, StaticFile> files;

    private DemoController(Map<String, StaticFile> files) {
        this.files = Map.copyOf(files);
    }

    /** Reads the demo's files from the classpath; a missing one is a broken build, so it fails here, at start. */
    public static DemoController fromResources() {
        Map<String, StaticFile> files = new HashMap<>();
        FILES.forEach((name, contentType) -> files.put(name, new StaticFile(read(name), contentType)));
        return new DemoController(files);
    }

    /** {@code GET /}: the shop page. */
    public void page(Context ctx) {
        send(ctx, files.get("index.html"));
    }

    /** {@code GET /demo/{file}}: another page, the script or the styles; anything else is an unknown route. */
    public void file(Context ctx) {
        StaticFile file = files.get(ctx.pathParam("file"));
        if (file == null) {
            throw ApiException.notFound("No such route: " + ctx.method() + " " + ctx.path());
        }
        send(ctx, file);
    }

    private static void send(Context ctx, StaticFile file) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(file.contentType()).result(file.bytes());
    }

    private static byte[] read(String name) {
        try (InputStream in = DemoController.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException("the demo file " + FOLDER + name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the demo file " + name, e);
        }
    }
}
