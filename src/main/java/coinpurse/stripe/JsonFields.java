package coinpurse.stripe;

import coinpurse.db.StorableText;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * Reading single fields of Stripe objects from their JSON, whatever the API version. Text that
 * the database could not store alike on both backends (a NUL, or more than the
 * {@value #MAX_TEXT} characters of the widest id column, a currency that is not three letters, a
 * status longer than {@value #MAX_STATUS}: PostgreSQL refuses all of them, SQLite would keep them)
 * reads as missing: no Stripe id or field read here is like that, and an event is then handled as one
 * without it.
 */
final class JsonFields {
    static final int MAX_TEXT = 255;
    /**
     * The width of the status columns ({@code stripe_refunds}, {@code stripe_disputes}); Stripe's
     * longest status is 22 characters ({@code warning_needs_response}).
     */
    static final int MAX_STATUS = 32;
    /** A currency as Stripe writes it (ISO 4217, three letters), the width of the currency columns. */
    private static final Pattern CURRENCY = Pattern.compile("[A-Za-z]{3}");

    private JsonFields() {}

    static String text(JsonNode node, String field) {
        return storable(node.path(field));
    }

    /** A three-letter currency code, or null. */
    static String currency(JsonNode node, String field) {
        return currency(text(node, field));
    }

    /** {@code code} when it is a three-letter currency code, else null (from JSON or from stripe-java). */
    static String currency(String code) {
        return code != null && CURRENCY.matcher(code).matches() ? code : null;
    }

    /** A status of at most {@value #MAX_STATUS} characters, or null. */
    static String status(JsonNode node, String field) {
        return status(text(node, field));
    }

    /** {@code status} when it fits the status columns, else null (from JSON or from stripe-java). */
    static String status(String status) {
        return status != null && status.length() <= MAX_STATUS && StorableText.isStorable(status) ? status : null;
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
