package coinpurse.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Stripe's wire format as {@link FakeStripe} speaks it: form decoding, list pages
 * ({@code {"object":"list","data":[…],"has_more":…,"url":…}} with {@code limit},
 * {@code starting_after} and {@code ending_before}) and the {@code {"error": {...}}} answers.
 */
final class StripeWire {

    static final ObjectMapper JSON = new ObjectMapper();

    private StripeWire() {}

    /** An answer to send: its status, its JSON body, and whether it replays an idempotent request. */
    record Answer(int status, String body, boolean replayed) {
        Answer(int status, String body) {
            this(status, body, false);
        }

        Answer asReplay() {
            return new Answer(status, body, true);
        }
    }

    /** An error the fake answers in Stripe's {@code {"error": {...}}} shape. */
    static final class StripeError extends RuntimeException {
        final int status;
        final String type;
        final String code;
        final String param;

        StripeError(int status, String type, String code, String param, String message) {
            super(message);
            this.status = status;
            this.type = type;
            this.code = code;
            this.param = param;
        }

        static StripeError invalid(String code, String param, String message) {
            return new StripeError(400, "invalid_request_error", code, param, message);
        }

        /** Stripe's 404 for an object that does not exist, e.g. {@code No such charge: 'ch_…'}. */
        static StripeError missing(String kind, String param, String id) {
            return new StripeError(404, "invalid_request_error", "resource_missing", param,
                    "No such " + kind + ": '" + id + "'");
        }
    }

    static Answer ok(JsonNode body) {
        return new Answer(200, body.toPrettyString());
    }

    static Answer error(StripeError e) {
        ObjectNode error = JSON.createObjectNode();
        ObjectNode details = error.putObject("error");
        if (e.code != null) {
            details.put("code", e.code);
        }
        details.put("message", e.getMessage());
        if (e.param != null) {
            details.put("param", e.param);
        }
        details.put("type", e.type);
        return new Answer(e.status, error.toPrettyString());
    }

    /**
     * One page of {@code newestFirst} (already in Stripe's order) after {@code keep}: {@code limit}
     * (1–100, default 10) items after the {@code starting_after} cursor, or the {@code limit} items
     * just before the {@code ending_before} cursor; {@code has_more} says whether more match in the
     * direction of travel. A cursor is an id of {@code kind}; one that does not exist is Stripe's 400.
     */
    static <T> ObjectNode page(List<T> newestFirst, Function<T, String> idOf, Function<T, JsonNode> jsonOf,
            Predicate<T> keep, Map<String, List<String>> query, String url, String kind) {
        int limit = limit(query);
        List<T> window = newestFirst;
        String startingAfter = last(query, "starting_after");
        String endingBefore = last(query, "ending_before");
        if (startingAfter != null) {
            window = window.subList(position(window, idOf, startingAfter, "starting_after", kind) + 1, window.size());
        } else if (endingBefore != null) {
            window = window.subList(0, position(window, idOf, endingBefore, "ending_before", kind));
        }
        List<T> matching = window.stream().filter(keep).toList();
        List<T> shown = startingAfter == null && endingBefore != null
                ? matching.subList(Math.max(0, matching.size() - limit), matching.size())
                : matching.subList(0, Math.min(limit, matching.size()));
        ObjectNode page = JSON.createObjectNode().put("object", "list");
        ArrayNode data = page.putArray("data");
        shown.forEach(item -> data.add(jsonOf.apply(item)));
        return page.put("has_more", matching.size() > limit).put("url", url);
    }

    private static <T> int position(List<T> items, Function<T, String> idOf, String id, String param, String kind) {
        for (int i = 0; i < items.size(); i++) {
            if (idOf.apply(items.get(i)).equals(id)) {
                return i;
            }
        }
        throw StripeError.invalid("resource_missing", param, "No such " + kind + ": '" + id + "'");
    }

    static int limit(Map<String, List<String>> query) {
        String value = last(query, "limit");
        int limit;
        try {
            limit = value == null ? 10 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw StripeError.invalid("parameter_invalid_integer", "limit", "Invalid integer: " + value);
        }
        if (limit < 1 || limit > 100) {
            throw StripeError.invalid("parameter_invalid_integer", "limit",
                    "This value must be greater than or equal to 1 and less than or equal to 100.");
        }
        return limit;
    }

    /** The last value of {@code key}, or null. */
    static String last(Map<String, List<String>> query, String key) {
        List<String> values = query.get(key);
        return values == null ? null : values.get(values.size() - 1);
    }

    /** Whether {@code expand[]=field} or {@code expand[N]=field} asks to expand {@code field}. */
    static boolean expands(Map<String, List<String>> query, String field) {
        return query.entrySet().stream()
                .anyMatch(e -> e.getKey().matches("expand\\[\\d*\\]") && e.getValue().contains(field));
    }

    /** The {@code prefix[key]=value} pairs of {@code params} (e.g. {@code metadata[…]}), as key to value. */
    static Map<String, String> bracketed(Map<String, String> params, String prefix) {
        Map<String, String> found = new LinkedHashMap<>();
        params.forEach((key, value) -> {
            if (key.startsWith(prefix + "[") && key.endsWith("]")) {
                found.put(key.substring(prefix.length() + 1, key.length() - 1), value);
            }
        });
        return found;
    }

    /** Decodes {@code application/x-www-form-urlencoded} text; keys stay as sent, e.g. {@code metadata[user_id]}. */
    static Map<String, String> form(String encoded) {
        Map<String, String> params = new LinkedHashMap<>();
        formAll(encoded).forEach((key, values) -> params.put(key, values.get(values.size() - 1)));
        return params;
    }

    /** As {@link #form}, keeping every value of a repeated key (e.g. {@code types[]}), in order. */
    static Map<String, List<String>> formAll(String encoded) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return params;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.computeIfAbsent(URLDecoder.decode(key, UTF_8), k -> new ArrayList<>())
                    .add(URLDecoder.decode(value, UTF_8));
        }
        return params;
    }
}
