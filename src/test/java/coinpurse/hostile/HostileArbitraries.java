package coinpurse.hostile;

import static coinpurse.hostile.HostileServer.NO_HEADER;
import static coinpurse.support.JsonAssertions.quote;
import static java.nio.charset.StandardCharsets.UTF_8;

import coinpurse.support.JsonAssertions;
import coinpurse.support.TestServer;
import coinpurse.support.WebhookSigner;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * The hostile input that more than one class sends: methods, Content-Types, bodies (random JSON
 * of hostile values, bytes, text, and the JSON edge cases one by one) and wrong Stripe-Signatures.
 * Each class's {@code @Provide} methods hand these to jqwik.
 */
final class HostileArbitraries {

    private HostileArbitraries() {}

    static Arbitrary<String> methods() {
        return Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "FOO", "get", "M-SEARCH");
    }

    static Arbitrary<String> contentTypes() {
        return Arbitraries.of("", "application/json", "application/json; charset=utf-8", "text/plain",
                "application/json; charset=utf-16", "application/json; charset=no-such-charset",
                "application/json; charset=", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "multipart/form-data", "*/*", ";;;", "application/json\u00e9");
    }

    /** Whether the app reads a body sent with this Content-Type ("" for none) as JSON. */
    static boolean isJson(String contentType) {
        return contentType.split(";", -1)[0].trim().equalsIgnoreCase("application/json");
    }

    static Arbitrary<byte[]> bodies() {
        Arbitrary<byte[]> json = jsonValues(3).map(text -> text.getBytes(UTF_8));
        Arbitrary<byte[]> fixed = Arbitraries.of(List.copyOf(jsonEdgeCases().values()));
        Arbitrary<byte[]> text = Arbitraries.strings().all().ofMaxLength(300).map(s -> s.getBytes(UTF_8));
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
        Arbitrary<byte[]> big = Arbitraries.integers().between(1, 200_000).map(n -> ("{\"a\":\"" + "x".repeat(n) + "\"}").getBytes(UTF_8));
        return Arbitraries.frequencyOf(
                Tuple.of(5, json), Tuple.of(2, fixed), Tuple.of(2, text), Tuple.of(2, bytes), Tuple.of(1, big));
    }

    /** JSON text built from hostile scalars; never a valid spend or grant (no amount is a whole 1..10^9). */
    static Arbitrary<String> jsonValues(int depth) {
        Arbitrary<String> leaf = Arbitraries.oneOf(hostileScalars(), Arbitraries.strings().all().ofMaxLength(40).map(JsonAssertions::quote));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<String> keys = Arbitraries.oneOf(
                Arbitraries.of("package_id", "coins", "bonus", "price_usd", "success_url", "cancel_url", "user_id",
                        "amount", "idempotency_key", "reason", "id", "type", "data", "object", "metadata", "__proto__", ""),
                Arbitraries.strings().all().ofMaxLength(20));
        Arbitrary<String> member = Combinators.combine(keys, jsonValues(depth - 1)).as((k, v) -> quote(k) + ":" + v);
        Arbitrary<String> object = member.list().ofMaxSize(6).map(members -> "{" + String.join(",", members) + "}");
        Arbitrary<String> array = jsonValues(depth - 1).list().ofMaxSize(4).map(items -> "[" + String.join(",", items) + "]");
        return Arbitraries.frequencyOf(Tuple.of(2, leaf), Tuple.of(4, object), Tuple.of(1, array));
    }

    static Arbitrary<String> hostileScalars() {
        return Arbitraries.of("0", "-0", "-1", "0.0", "-0.0", "1.5", "19.99", "1e3", "1E+3", "1e400", "-1e400", "1e-400",
                "1e999999999", "1e-999999999", "1e2147483648", "1" + "0".repeat(100), "9223372036854775808",
                "-9223372036854775809", "1000000001", "4.99e0", "0.1e1", "NaN", "Infinity", "-Infinity", "01", "0x10",
                "true", "false", "null", "\"\"", "\" \"", "\"popular\"", "\"starter\"", "\"5\"", "\"\\u0000\"",
                "\"hi-rich\"", "\"http://localhost:5173/x\"", "\"javascript:alert(1)\"", "\"\\ud800\"", "{}", "[]",
                "\"" + "x".repeat(5000) + "\"", "\"'; DROP TABLE users; --\"", "\"\\u202e\"", "\"💰\"");
    }

    /** Bodies that are not one valid request of any route, however they are read. */
    static Map<String, byte[]> jsonEdgeCases() {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("nesting 100 000 arrays deep", ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(UTF_8));
        cases.put("nesting 20 000 objects deep",
                ("{\"package_id\":".repeat(20_000) + "1" + "}".repeat(20_000)).getBytes(UTF_8));
        cases.put("unclosed nesting", "[".repeat(50_000).getBytes(UTF_8));
        cases.put("1e400", "{\"package_id\": 1e400, \"user_id\": 1e400, \"amount\": 1e400}".getBytes(UTF_8));
        cases.put("price 1e400", "{\"coins\": 500, \"bonus\": 50, \"price_usd\": 1e400}".getBytes(UTF_8));
        cases.put("price 1e999999999", "{\"coins\": 500, \"bonus\": 50, \"price_usd\": 1e999999999}".getBytes(UTF_8));
        cases.put("price 1e-999999999", "{\"coins\": 500, \"bonus\": 50, \"price_usd\": 1e-999999999}".getBytes(UTF_8));
        cases.put("price 1e2147483648", "{\"coins\": 500, \"bonus\": 50, \"price_usd\": 1e2147483648}".getBytes(UTF_8));
        cases.put("price -1e-2147483649", "{\"coins\": 500, \"bonus\": 50, \"price_usd\": -1e-2147483649}".getBytes(UTF_8));
        cases.put("10^100 as digits", ("{\"coins\": 1" + "0".repeat(100) + ", \"price_usd\": 19.99, \"amount\": 1"
                + "0".repeat(100) + ", \"user_id\": \"hi-rich\", \"idempotency_key\": \"k-10e100\"}").getBytes(UTF_8));
        cases.put("amount 2^63", "{\"user_id\": \"hi-rich\", \"amount\": 9223372036854775808, \"idempotency_key\": \"k-2p63\"}"
                .getBytes(UTF_8));
        cases.put("amount -0", "{\"user_id\": \"hi-rich\", \"amount\": -0, \"idempotency_key\": \"k-m0\", \"coins\": -0, \"price_usd\": -0}"
                .getBytes(UTF_8));
        cases.put("amount -0.0", "{\"user_id\": \"hi-rich\", \"amount\": -0.0, \"idempotency_key\": \"k-m00\"}".getBytes(UTF_8));
        cases.put("amount 1e3", "{\"user_id\": \"hi-rich\", \"amount\": 1e3, \"idempotency_key\": \"k-1e3\"}".getBytes(UTF_8));
        cases.put("amount NaN", "{\"user_id\": \"hi-rich\", \"amount\": NaN, \"idempotency_key\": \"k-nan\"}".getBytes(UTF_8));
        cases.put("amount Infinity", "{\"user_id\": \"hi-rich\", \"amount\": -Infinity, \"idempotency_key\": \"k-inf\"}"
                .getBytes(UTF_8));
        cases.put("amount with leading zeros", "{\"user_id\": \"hi-rich\", \"amount\": 0005, \"idempotency_key\": \"k-lz\"}"
                .getBytes(UTF_8));
        cases.put("amount hex", "{\"user_id\": \"hi-rich\", \"amount\": 0x10, \"idempotency_key\": \"k-hex\"}".getBytes(UTF_8));
        cases.put("duplicate keys", ("{\"user_id\": \"hi-rich\", \"amount\": 5, \"amount\": 6, \"idempotency_key\": \"k-dup\","
                + " \"package_id\": \"popular\", \"package_id\": \"starter\"}").getBytes(UTF_8));
        cases.put("duplicate keys, same value", ("{\"user_id\": \"hi-rich\", \"user_id\": \"hi-rich\", \"amount\": 5,"
                + " \"idempotency_key\": \"k-dup2\", \"package_id\": \"popular\", \"package_id\": \"popular\"}").getBytes(UTF_8));
        cases.put("wrong types", ("{\"user_id\": [\"hi-rich\"], \"amount\": \"5\", \"idempotency_key\": {\"k\": 1},"
                + " \"package_id\": [\"popular\"], \"reason\": 7}").getBytes(UTF_8));
        cases.put("escaped NUL", "{\"user_id\": \"hi-rich\\u0000\", \"amount\": \"1\\u0000\", \"package_id\": \"popular\\u0000\"}"
                .getBytes(UTF_8));
        cases.put("raw NUL byte", "{\"package_id\": \"pop\u0000ular\", \"user_id\": \"hi\u0000rich\", \"amount\": 5}"
                .getBytes(UTF_8));
        cases.put("only NUL bytes", new byte[4096]);
        cases.put("invalid UTF-8", concat("{\"package_id\": \"".getBytes(UTF_8), new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc0,
                (byte) 0x80, (byte) 0xed, (byte) 0xa0, (byte) 0x80}, "\", \"amount\": 5}".getBytes(UTF_8)));
        cases.put("UTF-8 BOM before an unknown package", concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
                "{\"package_id\": \"no-such-package\", \"amount\": \"5\"}".getBytes(UTF_8)));
        cases.put("UTF-16", "{\"package_id\": \"popular\", \"amount\": 5}".getBytes(java.nio.charset.StandardCharsets.UTF_16));
        cases.put("lone surrogate escape", "{\"package_id\": \"\\ud800\", \"user_id\": \"\\udfff\", \"amount\": 5}".getBytes(UTF_8));
        cases.put("empty body", new byte[0]);
        cases.put("whitespace only", " \r\n\t ".getBytes(UTF_8));
        cases.put("null", "null".getBytes(UTF_8));
        cases.put("a bare string", "\"popular\"".getBytes(UTF_8));
        cases.put("an array of a request", "[{\"package_id\": \"popular\"}]".getBytes(UTF_8));
        cases.put("trailing garbage", "{\"package_id\": \"no-such\"} {\"package_id\": \"popular\"}".getBytes(UTF_8));
        cases.put("comments", "{/* c */ \"package_id\": \"popular\" // c\n}".getBytes(UTF_8));
        cases.put("single quotes", "{'package_id': 'popular'}".getBytes(UTF_8));
        cases.put("unquoted keys", "{package_id: \"popular\"}".getBytes(UTF_8));
        cases.put("trailing comma", "{\"package_id\": \"popular\",}".getBytes(UTF_8));
        cases.put("form encoding", "package_id=popular&amount=5".getBytes(UTF_8));
        cases.put("a 900 kB string", ("{\"package_id\": \"" + "x".repeat(900_000) + "\"}").getBytes(UTF_8));
        cases.put("50 000 keys", ("{" + IntStream.range(0, 50_000)
                .mapToObj(i -> "\"k" + i + "\":" + i).collect(Collectors.joining(",")) + "}").getBytes(UTF_8));
        cases.put("a 10 kB key", ("{\"" + "k".repeat(10_000) + "\": 1, \"amount\": \"x\"}").getBytes(UTF_8));
        cases.put("a 1 MiB body and one byte", new byte[1024 * 1024 + 1]);
        return cases;
    }

    /**
     * Stripe-Signature headers, each near a right one, that must not verify {@code event}
     * (or no header at all: {@link HostileServer#NO_HEADER}), made at {@code now}.
     */
    static List<String> knownWrongSignatures(String event, long now) {
        String right = WebhookSigner.sign(event, TestServer.WEBHOOK_SECRET, now);
        String rightHmac = right.substring(right.indexOf("v1=") + 3);
        String old = WebhookSigner.sign(event, TestServer.WEBHOOK_SECRET, now - 301);
        String wrongHmac = (rightHmac.charAt(0) == '0' ? "1" : "0") + rightHmac.substring(1);
        return List.of(NO_HEADER, "", " ", "t=", "v1=", "t=,v1=", ",,,", "=", "t", "t=" + now,
                "v1=" + rightHmac, "t=abc,v1=" + rightHmac, "t=" + now + ",v1=", "t=" + now + ",v1",
                "t=" + now + ",v0=" + rightHmac, "t=" + now + ",v2=" + rightHmac, "t=" + now + ",V1=" + rightHmac,
                "T=" + now + ",v1=" + rightHmac.toUpperCase(Locale.ROOT),
                "t=" + now + ",v1=" + rightHmac.toUpperCase(Locale.ROOT),
                "t=" + now + ",v1=" + wrongHmac,
                "t=" + now + ",v1=" + rightHmac.substring(1),
                "t=" + now + ",v1=" + rightHmac.substring(0, 63),
                "t=" + now + ",v1=" + rightHmac + "0",
                "t=" + now + ",v1=" + rightHmac.substring(0, 63) + "\u00e4",
                "t=" + now + ",v1=0x" + rightHmac,
                "t=" + now + ",v1=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(rightHmac)),
                "t=" + (now + 1) + ",v1=" + rightHmac,
                "t=" + (now - 1) + ",v1=" + rightHmac,
                "t=0" + now + "x,v1=" + rightHmac,
                "t=-1,v1=" + rightHmac, "t=99999999999999999999,v1=" + rightHmac, "t=1e9,v1=" + rightHmac,
                "t=" + now + ",t=" + (now - 3600) + ",v1=" + wrongHmac,
                old, old + ",v1=" + wrongHmac,
                WebhookSigner.sign(event, TestServer.WEBHOOK_SECRET, now - 10_000_000),
                WebhookSigner.sign(event, TestServer.WEBHOOK_SECRET, 0),
                WebhookSigner.sign(event.trim() + "\n", TestServer.WEBHOOK_SECRET, now),
                WebhookSigner.sign(event.replace("\"paid\"", "\"unpaid\""), TestServer.WEBHOOK_SECRET, now),
                WebhookSigner.sign(event, "whsec_someone_else", now),
                WebhookSigner.sign(event, TestServer.WEBHOOK_SECRET.substring(6), now),
                WebhookSigner.sign(event, "whsec_", now),
                "\u00e9t=" + now + "\u00ff", "t=" + now + ",v1=\u2603",
                "t=" + now + "," + "v1=" + wrongHmac + ",".repeat(5_000),
                "t=" + now + ",v1=" + "0".repeat(20_000));
    }

    /** Every Stripe-Signature that must not verify {@code event} at {@code now}, or none at all. */
    static Arbitrary<String> wrongSignatures(String event, long now) {
        String right = WebhookSigner.sign(event, TestServer.WEBHOOK_SECRET, now);
        String rightHmac = right.substring(right.indexOf("v1=") + 3);
        Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdef").ofLength(64).filter(h -> !h.equals(rightHmac));
        Arbitrary<Long> tooOld = Arbitraries.longs().between(301, now);
        return Arbitraries.oneOf(
                Arbitraries.of(knownWrongSignatures(event, now)),
                // Right HMAC, too old.
                tooOld.map(age -> WebhookSigner.sign(event, TestServer.WEBHOOK_SECRET, now - age)),
                // Right secret, a body other than the one sent.
                Arbitraries.strings().ofMaxLength(50).map(other -> WebhookSigner.sign(event + other + " ",
                        TestServer.WEBHOOK_SECRET)),
                // Another secret, now or ahead of our clock.
                Arbitraries.longs().between(-300, 100_000).map(ahead -> WebhookSigner.sign(event,
                        "whsec_someone_else", now + ahead)),
                // Many v1s, none right; huge ones reach Jetty's header limit (431).
                hex.list().ofMinSize(2).ofMaxSize(400).map(list -> "t=" + now + ","
                        + list.stream().map(h -> "v1=" + h).collect(Collectors.joining(","))),
                // A wrong HMAC dated ahead.
                Combinators.combine(Arbitraries.longs().between(1, 10_000_000), hex)
                        .as((ahead, h) -> "t=" + (now + ahead) + ",v1=" + h),
                Arbitraries.strings().all().ofMaxLength(200).map(HostileArbitraries::withoutControlCharacters));
    }

    /**
     * Control characters in a header or the request line (CR, LF, NUL, ...) are framing attacks of
     * their own, which Jetty refuses ({@code MalformedHttpTest}); the generators that aim at the
     * app keep the request well-formed. Tab stays: it is legal inside a header value.
     */
    static String withoutControlCharacters(String text) {
        return text.replaceAll("[\\x00-\\x08\\x0a-\\x1f\\x7f]", "");
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
