package coinpurse.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.yaml}: the API's description, docs/openapi.yaml as the build packaged it,
 * read once at start so that a jar without it fails at once rather than on the first request.
 */
public final class OpenApiController {
    /** Where the build copies docs/openapi.yaml (pom.xml, the resources plugin's {@code openapi} execution). */
    public static final String RESOURCE = "/coinpurse/openapi.yaml";
    /** YAML's media type (RFC 9512); the file is UTF-8. */
    public static final String CONTENT_TYPE = "application/yaml";

    private final byte[] description;

    public OpenApiController() {
        try (InputStream in = OpenApiController.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath: build with Maven, which copies docs/openapi.yaml");
            }
            this.description = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void description(Context ctx) {
        ctx.contentType(CONTENT_TYPE).result(description);
    }
}
