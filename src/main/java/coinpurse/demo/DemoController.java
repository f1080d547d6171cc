package coinpurse.demo;

import coinpurse.http.StaticFiles;
import io.javalin.http.Context;

/**
 * {@code GET /} and {@code GET /demo/{file}}: the demo "Buy Coins" page, a few static files read
 * once from {@code coinpurse/demo/} in the jar. Only the files named here are served, whatever the
 * path asks for, so no request can reach another resource. Wired only with {@code app.demo=true}.
 */
public final class DemoController {
    private final StaticFiles files;

    private DemoController(StaticFiles files) {
        this.files = files;
    }

    /** Reads the demo's files from the classpath; a missing one is a broken build, so it fails here, at start. */
    public static DemoController fromResources() {
        return new DemoController(StaticFiles.fromResources("/coinpurse/demo/",
                "index.html", "success.html", "cancel.html", "demo.js", "demo.css"));
    }

    /** {@code GET /}: the shop page. */
    public void page(Context ctx) {
        files.send(ctx, "index.html");
    }

    /** {@code GET /demo/{file}}: another page, the script or the styles; anything else is an unknown route. */
    public void file(Context ctx) {
        files.send(ctx, ctx.pathParam("file"));
    }
}
