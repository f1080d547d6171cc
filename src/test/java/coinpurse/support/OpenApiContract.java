package coinpurse.support;

import coinpurse.http.MethodOverrideGuard;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * docs/openapi.yaml (as the build packaged it, the bytes {@code GET /openapi.yaml} serves) as a
 * check on answers: is this status documented for this route and method, with this Content-Type,
 * and is the body valid against its schema. Every schema is compiled once, when the description
 * is first used; after that the contract is read-only, so concurrent tests share it.
 */
public final class OpenApiContract {
    public static final String RESOURCE = "coinpurse/openapi.yaml";
    /**
     * The header Javalin would take a request's method from instead of its request line; the app
     * refuses any request carrying it (the description's "Answers any request may get").
     */
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    /**
     * Statuses the HTTP layer may answer to a malformed request before any route sees it (the
     * description's "Answers any request may get"): accepted on any route from {@link RawHttp},
     * which writes such requests on purpose, as long as they are the error shape.
     */
    private static final Set<Integer> HTTP_LAYER_STATUSES = Set.of(400, 408, 413, 414, 417, 431);
    private static final String ORIGIN_NOT_ALLOWED = "/components/responses/OriginNotAllowed";
    /** JSON as the SPEC means it: a duplicate key or anything after the value is not JSON. */
    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** How strictly an answer is held to the description. */
    public enum Strictness {
        /** Well-formed requests (the JDK client): only documented statuses. */
        DOCUMENTED,
        /** Requests written byte for byte, malformed on purpose: the HTTP layer's refusals are accepted too. */
        ALSO_HTTP_LAYER
    }

    /** One documented operation: its path template, as a pattern, and its answers by status. */
    public record Operation(String method, String template, Pattern pattern, Map<Integer, Answer> answers) {}

    /** One documented answer: its body's media types (each with its JSON schema, or none), its required headers. */
    public record Answer(String where, Map<String, Optional<Schema>> content, Set<String> requiredHeaders) {}

    private static final class Holder {
        static final OpenApiContract CONTRACT = new OpenApiContract(readDescription());
    }

    private final JsonNode document;
    private final List<Operation> operations;
    private final Schema errorSchema;
    /** A refused CORS preflight's answer, on any path (the description's "CORS preflights"). */
    private final Schema originNotAllowedSchema;

    private OpenApiContract(JsonNode document) {
        this.document = document;
        SchemaRegistry registry = SchemaRegistry.withDialect(Dialects.getOpenApi31(), builder -> builder
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
        this.operations = operations(document, registry);
        this.errorSchema = registry.getSchema(location("/components/schemas/Error"));
        this.originNotAllowedSchema = registry.getSchema(location(ORIGIN_NOT_ALLOWED + "/content/application~1json/schema"));
    }

    /** The description the build packaged (docs/openapi.yaml). */
    public static OpenApiContract get() {
        return Holder.CONTRACT;
    }

    /** The description as parsed YAML. */
    public JsonNode document() {
        return document;
    }

    public List<Operation> operations() {
        return operations;
    }

    /** The documented operation for {@code method} on {@code path} (a request path, no query), if any. */
    public Optional<Operation> find(String method, String path) {
        String normalized = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return operations.stream()
                .filter(op -> op.method().toUpperCase(Locale.ROOT).equals(method) && op.pattern().matcher(normalized).matches())
                .findFirst();
    }

    /**
     * What is wrong with an answer to {@code method} on {@code path} against the description, or
     * empty when nothing is. {@code contentType} may be null; {@code body} is the whole body as text.
     * A request the description has no operation for (an unknown path, another method) may only be
     * answered by an error of the one error shape; HEAD answers carry no body and are not checked.
     * An OPTIONS answered 403 is a refused CORS preflight, on any path.
     */
    public Optional<String> problem(String method, String path, int status, String contentType,
            Map<String, List<String>> headers, String body, Strictness strictness) {
        if (method.equals("HEAD")) {
            return Optional.empty();
        }
        String route = method + " " + path;
        Optional<Operation> operation = find(method, path);
        if (method.equals("OPTIONS") && status == 403) {
            return jsonProblem(route + " (a refused CORS preflight, #" + ORIGIN_NOT_ALLOWED + ")", status, contentType,
                    body, originNotAllowedSchema);
        }
        if (operation.isEmpty()) {
            return status >= 400 && !body.isEmpty()
                    ? jsonProblem(route + " (no such operation: an error of the one shape)", status, contentType, body, errorSchema)
                    : Optional.empty();
        }
        Operation op = operation.get();
        String documented = op.method().toUpperCase(Locale.ROOT) + " " + op.template();
        Answer answer = op.answers().get(status);
        if (answer == null) {
            if (strictness == Strictness.ALSO_HTTP_LAYER && HTTP_LAYER_STATUSES.contains(status)) {
                return jsonProblem(route + " (" + documented + ", refused by the HTTP layer)", status, contentType, body, errorSchema);
            }
            return Optional.of(route + " (" + documented + ") answered " + status
                    + ", which docs/openapi.yaml does not document; documented: " + new TreeSet<>(op.answers().keySet())
                    + "\nbody: " + RawHttp.clip(body));
        }
        String context = route + " (" + documented + ") " + status;
        for (String header : answer.requiredHeaders()) {
            if (headerValue(headers, header) == null) {
                return Optional.of(context + ": no " + header + " header, which " + answer.where() + " requires");
            }
        }
        if (answer.content().isEmpty()) {
            return body.isEmpty() ? Optional.empty()
                    : Optional.of(context + ": a body where " + answer.where() + " documents none: " + RawHttp.clip(body));
        }
        Optional<Map.Entry<String, Optional<Schema>>> media = answer.content().entrySet().stream()
                .filter(entry -> mediaTypeMatches(entry.getKey(), contentType))
                .findFirst();
        if (media.isEmpty()) {
            return Optional.of(context + ": Content-Type " + contentType + " is not one of " + answer.content().keySet()
                    + " (" + answer.where() + ")");
        }
        Optional<Schema> schema = media.get().getValue();
        return schema.isPresent() ? jsonProblem(context, status, contentType, body, schema.get()) : Optional.empty();
    }

    /**
     * What is wrong with an answer to a request carrying {@link MethodOverrideGuard#HEADER}, or empty: on any
     * route it is refused with 400 {@code bad_request} (or by the HTTP layer, for a malformed request).
     */
    public Optional<String> methodOverrideProblem(String method, String path, int status, String contentType,
            String body, Strictness strictness) {
        String route = method + " " + path + " with " + MethodOverrideGuard.HEADER;
        if (method.equals("HEAD")) {
            return Optional.empty();
        }
        if (status != 400 && !(strictness == Strictness.ALSO_HTTP_LAYER && HTTP_LAYER_STATUSES.contains(status))) {
            return Optional.of(route + " answered " + status + ", not 400: " + RawHttp.clip(body));
        }
        Optional<String> problem = jsonProblem(route, status, contentType, body, errorSchema);
        if (problem.isPresent() || status != 400) {
            return problem;
        }
        String code = STRICT_JSON.readTree(body).path("error").asString();
        return code.equals("bad_request") ? Optional.empty()
                : Optional.of(route + " answered 400 " + code + ", not bad_request");
    }

    private Optional<String> jsonProblem(String context, int status, String contentType, String body, Schema schema) {
        if (!mediaTypeMatches("application/json", contentType)) {
            return Optional.of(context + " " + status + ": Content-Type " + contentType + ", not application/json: "
                    + RawHttp.clip(body));
        }
        JsonNode json;
        try {
            json = STRICT_JSON.readTree(body);
        } catch (JacksonException e) {
            return Optional.of(context + ": not JSON (" + e.getOriginalMessage() + "): " + RawHttp.clip(body));
        }
        List<Error> errors = schema.validate(json);
        if (errors.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(context + ": the body does not match " + schema.getSchemaLocation() + ":\n  "
                + errors.stream().map(Error::toString).collect(Collectors.joining("\n  "))
                + "\nbody: " + RawHttp.clip(body));
    }

    /**
     * True when {@code actual} (a Content-Type header) is the media type {@code documented} names:
     * the same type, and every parameter the description gives (e.g. Prometheus' {@code version}) with the same value.
     */
    static boolean mediaTypeMatches(String documented, String actual) {
        if (actual == null) {
            return false;
        }
        String[] want = documented.split(";");
        String[] got = actual.split(";");
        if (!want[0].trim().equalsIgnoreCase(got[0].trim())) {
            return false;
        }
        Set<String> gotParameters = new TreeSet<>();
        for (int i = 1; i < got.length; i++) {
            gotParameters.add(got[i].trim().toLowerCase(Locale.ROOT).replace(" ", ""));
        }
        for (int i = 1; i < want.length; i++) {
            if (!gotParameters.contains(want[i].trim().toLowerCase(Locale.ROOT).replace(" ", ""))) {
                return false;
            }
        }
        return true;
    }

    private static String headerValue(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream()
                .filter(entry -> entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty())
                .map(entry -> entry.getValue().get(0))
                .findFirst().orElse(null);
    }

    private static List<Operation> operations(JsonNode document, SchemaRegistry registry) {
        List<Operation> found = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : document.required("paths").properties()) {
            for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
                if (!METHODS.contains(method.getKey())) {
                    continue;
                }
                String pointer = "/paths/" + escape(path.getKey()) + "/" + method.getKey() + "/responses";
                Map<Integer, Answer> answers = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> response : method.getValue().required("responses").properties()) {
                    answers.put(Integer.parseInt(response.getKey()),
                            answer(document, registry, pointer + "/" + escape(response.getKey()), response.getValue()));
                }
                found.add(new Operation(method.getKey(), path.getKey(), pattern(path.getKey()), Map.copyOf(answers)));
            }
        }
        return List.copyOf(found);
    }

    /** A response object, following its {@code $ref} into components.responses; its JSON schemas compiled. */
    private static Answer answer(JsonNode document, SchemaRegistry registry, String pointer, JsonNode response) {
        if (response.has("$ref")) {
            String ref = response.get("$ref").asString();
            pointer = ref.substring(1);
            response = document.at(pointer);
            if (response.isMissingNode()) {
                throw new IllegalStateException("docs/openapi.yaml: no " + ref);
            }
        }
        Map<String, Optional<Schema>> content = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> media : response.path("content").properties()) {
            Optional<Schema> schema = Optional.empty();
            if (media.getValue().has("schema") && mediaTypeMatches("application/json", media.getKey())) {
                schema = Optional.of(registry.getSchema(
                        location(pointer + "/content/" + escape(media.getKey()) + "/schema")));
            }
            content.put(media.getKey(), schema);
        }
        Set<String> required = new TreeSet<>();
        for (Map.Entry<String, JsonNode> header : response.path("headers").properties()) {
            if (header.getValue().path("required").asBoolean(false)) {
                required.add(header.getKey());
            }
        }
        return new Answer("#" + pointer, content, Set.copyOf(required));
    }

    private static SchemaLocation location(String pointer) {
        return SchemaLocation.of("classpath:" + RESOURCE + "#" + pointer);
    }

    /** A path template as a pattern: {@code {session_id}} is one non-empty segment. */
    static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        int at = 0;
        while (at < template.length()) {
            int open = template.indexOf('{', at);
            if (open < 0) {
                regex.append(Pattern.quote(template.substring(at)));
                break;
            }
            regex.append(Pattern.quote(template.substring(at, open))).append("[^/]+");
            at = template.indexOf('}', open) + 1;
        }
        return Pattern.compile(regex.toString());
    }

    /** JSON Pointer escaping of one reference token (RFC 6901). */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static JsonNode readDescription() {
        try (InputStream in = OpenApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath: run the tests through Maven,"
                        + " whose process-resources copies docs/openapi.yaml");
            }
            return new YAMLMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
