package coinpurse.http;

import coinpurse.db.StorableText;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;

/**
 * Reads the fields of a JSON request body strictly, answering 400 with a sentence that says what
 * is wanted: whole numbers that are JSON integers (not 2.5, 1e3 or "5"), ids that the database can
 * store, no field beyond those named.
 */
public final class BodyFields {
    private BodyFields() {}

    /** 400 unless {@code body} is an object whose fields are all among {@code known}; {@code wanted} says what to send. */
    public static void requireObjectOf(JsonNode body, Set<String> known, String wanted) {
        if (!body.isObject()) {
            throw ApiException.badRequest("The body must be a JSON object: " + wanted + ".");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiException.badRequest("Unknown field '" + clip(name) + "'; send " + wanted + ".");
            }
        }
    }

    /** A JSON integer token from {@code min} to {@code max}. */
    public static long wholeNumber(JsonNode body, String field, long min, long max) {
        JsonNode value = body.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()
                || value.longValue() < min || value.longValue() > max) {
            throw ApiException.badRequest(field + " must be a whole number from " + min + " to " + max + ".");
        }
        return value.longValue();
    }

    /** A non-blank id of at most {@code maxLength} characters, none of them a control character. */
    public static String requiredId(JsonNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || !StorableText.isId(value.textValue(), maxLength)) {
            throw ApiException.badRequest(field + " must be a non-blank string of at most " + maxLength
                    + " characters, none of them a control character.");
        }
        return value.textValue();
    }

    /** Text of at most {@code maxLength} characters without NUL, or null when absent. */
    public static String optionalText(JsonNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.textValue().length() > maxLength || !StorableText.isStorable(value.textValue())) {
            throw ApiException.badRequest(field + " must be a string of at most " + maxLength + " characters, without NUL.");
        }
        return value.textValue();
    }

    /** {@code text} cut to 64 characters, for a message. */
    public static String clip(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}
