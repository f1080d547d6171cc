package coinpurse.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads request bodies as JSON trees: a body not sent as {@code application/json} is a 415,
 * anything unreadable a 400, never a 500.
 */
public final class JsonBodies {
    private final ObjectMapper mapper;

    public JsonBodies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The request body as JSON. The Content-Type must be {@code application/json}: a form or
     * {@code text/plain}, which a cross-site page can post with the user's cookie, is refused
     * (415) before the body is read. JSON is UTF-8 (RFC 8259), so the bytes are decoded as UTF-8
     * whatever charset the Content-Type names (an unknown one used to fail with a 500), and
     * bytes that are not UTF-8 are refused rather than silently replaced.
     */
    public JsonNode read(Context ctx) {
        requireJsonContentType(ctx.header("Content-Type"));
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(ctx.bodyAsBytes()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("The body is not valid JSON: it is not UTF-8.");
        }
        return parse(text);
    }

    /** As {@link #read}, but no body at all (nor a Content-Type for it) reads as an empty object. */
    public JsonNode readOrEmpty(Context ctx) {
        return ctx.bodyAsBytes().length == 0 ? mapper.createObjectNode() : read(ctx);
    }

    /** 415 unless the media type, parameters aside, is {@code application/json} (in any case). */
    private static void requireJsonContentType(String contentType) {
        if (contentType != null) {
            int parameters = contentType.indexOf(';');
            String mediaType = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim();
            if (mediaType.toLowerCase(Locale.ROOT).equals("application/json")) {
                return;
            }
        }
        throw new ApiException(415, "unsupported_media_type",
                "Send the body as JSON with 'Content-Type: application/json'.");
    }

    /** Text already taken from the request (the webhook's signed payload) as JSON; no Content-Type check. */
    public JsonNode parse(String text) {
        try {
            JsonNode node = mapper.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw ApiException.badRequest("The body is empty; send a JSON object.");
            }
            return node;
        } catch (JsonProcessingException | NumberFormatException e) {
            // NumberFormatException: a number Jackson reads but BigDecimal cannot hold (1e2147483648).
            throw ApiException.badRequest("The body is not valid JSON.");
        }
    }
}
