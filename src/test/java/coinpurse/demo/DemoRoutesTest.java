package coinpurse.demo;

import static coinpurse.support.JsonAssertions.assertError;
import static coinpurse.support.JsonAssertions.assertSpecAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.RawHttp;
import coinpurse.support.RawHttp.Answer;
import coinpurse.support.RawHttp.Request;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The demo page's routes: absent by default, and with app.demo=true only its own files, typed right. */
class DemoRoutesTest {
    @RunningServer
    static TestServer plain;
    @RunningServer(env = {"APP_DEMO=true"})
    static TestServer demo;

    @ParameterizedTest
    @ValueSource(strings = {"/", "/demo/demo.js", "/demo/index.html", "/demo/success.html"})
    void withoutAppDemoThereIsNoDemoRoute(String path) {
        assertError(plain.get(path, null), 404, "not_found");
    }

    @Test
    void theShopPageIsServedAtTheRoot() {
        HttpResponse<String> page = demo.get("/", null);

        assertEquals(200, page.statusCode(), page.body());
        assertEquals("text/html;charset=utf-8", contentType(page));
        assertTrue(page.body().contains("<title>coinpurse demo: Buy Coins</title>"), page.body());
        assertTrue(page.body().contains("<script src=\"/demo/demo.js\" defer></script>"), page.body());
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(""));
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("default-src 'none'") && policy.contains("script-src 'self'"), policy);
    }

    @ParameterizedTest
    @CsvSource({
        "/demo/index.html, text/html;charset=utf-8, data-page=\"shop\"",
        "/demo/success.html, text/html;charset=utf-8, data-page=\"success\"",
        "/demo/cancel.html, text/html;charset=utf-8, data-page=\"cancel\"",
        "/demo/demo.js, text/javascript;charset=utf-8, sessionStorage",
        "/demo/demo.css, text/css;charset=utf-8, .packages",
    })
    void eachDemoFileHasItsContentType(String path, String contentType, String content) {
        HttpResponse<String> file = demo.get(path, null);

        assertEquals(200, file.statusCode(), file.body());
        assertEquals(contentType, contentType(file));
        assertTrue(file.body().contains(content), path + " lacks " + content);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/demo/", "/demo/nope.js", "/demo/DEMO.JS", "/demo/demo.js.map", "/demo/demo.js/x",
        "/demo/default-packages.properties", "/demo/simplelogger.properties"})
    void anyOtherDemoFileIsAnUnknownRoute(String path) {
        assertError(demo.get(path, null), 404, "not_found");
    }

    /** Whatever Jetty makes of dot segments, the answer is a JSON error, never a file from elsewhere. */
    @ParameterizedTest
    @ValueSource(strings = {"/demo/../x", "/demo/../coinpurse/default-packages.properties",
        "/demo/..%2fdefault-packages.properties", "/demo/%2e%2e/%2e%2e/simplelogger.properties",
        "/demo/..%5csimplelogger.properties", "/demo/%2e%2e%2fcoinpurse%2fdemo%2fdemo.js", "/demo/./demo.js/.."})
    void dotSegmentsNeverReachAnotherFile(String target) {
        try (RawHttp raw = new RawHttp(demo.port())) {
            Answer answer = raw.send(new Request("GET", target));

            assertSpecAnswer(answer, target);
            assertTrue(answer.status() == 400 || answer.status() == 404, answer.toString());
            assertFalse(answer.body().contains("price_usd=") || answer.body().contains("org.slf4j.simpleLogger"),
                    answer.toString());
        }
    }

    @Test
    void theApiIsUnchangedBesideTheDemo() {
        HttpResponse<String> packages = demo.get("/api/payment/packages", null);

        assertEquals(200, packages.statusCode(), packages.body());
        assertError(demo.get("/demo", null), 404, "not_found");
    }

    private static String contentType(HttpResponse<String> response) {
        // Jetty writes some types without the space ("text/html;charset=utf-8"): the same type.
        return response.headers().firstValue("Content-Type").orElse("").replace("; ", ";");
    }
}
