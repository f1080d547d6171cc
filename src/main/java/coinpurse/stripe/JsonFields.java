package coinpurse.stripe;

import coinpurse.db.StorableText;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reading single fields of Stripe objects from their JSON, whatever the API version. Text that
 * the database could not store alike on both backends (a NUL, or more than the
 * {@value #MAX_TEXT} characters of the widest id column, both of which PostgreSQL refuses) reads as
 * missing: no Stripe id or field read here is like that, and an event is then ignored as one without it.
 */
final class JsonFields {
    static final int MAX_TEXT = 255;

    private JsonFields() {}

    static String text(JsonNode node, String field) {
        return storable(node.path(field));
    }

    /** The node's text, or null when it is not text or not {@link StorableText#isStorable storable}. */
    static String storable(JsonNode value) {
        return value.isTextual() && value.textValue().length() <= MAX_TEXT && StorableText.isStorable(value.textValue())
                ? value.textValue() : null;
    }

    /** A whole number, or null when the field is missing, not a number or not whole. */
    static Long wholeNumber(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNumber() && value.canConvertToExactIntegral() && value.canConvertToLong()
                ? value.longValue() : null;
    }

    /** An expandable field is either an id or the expanded object carrying one. */
    static String idOf(JsonNode expandable) {
        return expandable.isTextual() ? storable(expandable) : text(expandable, "id");
    }
}
