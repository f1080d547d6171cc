package coinpurse.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reads request bodies as JSON trees; anything unreadable is a 400, never a 500. */
public final class JsonBodies {
    private final ObjectMapper mapper;

    public JsonBodies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The request body as JSON. JSON is UTF-8 (RFC 8259), so the bytes are decoded as UTF-8
     * whatever charset the Content-Type names (an unknown one used to fail with a 500), and
     * bytes that are not UTF-8 are refused rather than silently replaced.
     */
    public JsonNode read(Context ctx) {
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
