package coinpurse.stripe;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading single fields of Stripe objects from their JSON, whatever the API version. */
final class JsonFields {

    private JsonFields() {}

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.textValue() : null;
    }

    /** A whole number, or null when the field is missing, not a number or not whole. */
    static Long wholeNumber(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNumber() && value.canConvertToExactIntegral() && value.canConvertToLong()
                ? value.longValue() : null;
    }

    /** An expandable field is either an id or the expanded object carrying one. */
    static String idOf(JsonNode expandable) {
        return expandable.isTextual() ? expandable.textValue() : text(expandable, "id");
    }
}
