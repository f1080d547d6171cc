package coinpurse.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import coinpurse.support.HeadlessChromium;
import coinpurse.support.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A browser's own {@code EventSource} on the stream, as docs/api.md shows it for cookie mode: the
 * cookie signs it in, each named event reaches its listener, and when the server goes away and
 * comes back the browser reconnects by itself with {@code Last-Event-ID} and gets what it missed.
 */
@Tag("browser")
class EventSourceBrowserTest {
    private static final String COOKIE = "coinpurse_token";
    private static final String API_KEY = "event-source-internal-key-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void anEventSourceSignedInByItsCookieResumesAfterTheServerCameBack(@TempDir Path dir) throws IOException {
        int port = freePort();
        Map<String, String> env = new HashMap<>(Map.of("AUTH_COOKIE_NAME", COOKIE, "INTERNAL_API_KEY", API_KEY));
        String user = "es-" + UUID.randomUUID().toString().substring(0, 8);
        ChromeDriver browser = HeadlessChromium.start();
        try {
            WebDriverWait wait = new WebDriverWait(browser, WAIT);
            try (TestServer first = TestServer.startOnPort(dir.resolve("server"), port, env)) {
                if (TestServer.onPostgres()) {
                    env.put("DB_URL", first.deps().config().dbAccess().postgresUrl().orElseThrow());
                }
                browser.get(first.url("/health"));
                browser.manage().addCookie(new Cookie(COOKIE, first.token(user)));
                browser.executeScript("""
                        window.got = [];
                        window.opened = 0;
                        const source = new EventSource('/api/coins/stream');
                        for (const type of ['coins.granted', 'coins.spent']) {
                          source.addEventListener(type, (message) => window.got.push(message.lastEventId + ' '
                              + message.type + ' ' + JSON.parse(message.data).data.balance_after));
                        }
                        source.onopen = () => { window.opened += 1; };
                        """);
                wait.until(driver -> ((Number) browser.executeScript("return window.opened;")).intValue() == 1);
                change(first, "grant", user, 10);
                change(first, "spend", user, 3);
                wait.until(driver -> got(browser).size() == 2);
                assertEquals(List.of("1 coins.granted 10", "2 coins.spent 7"), got(browser));
            }

            // While the page's server is away, a change commits through another instance.
            try (TestServer elsewhere = TestServer.startWithStreamTimings(dir.resolve("server"), env,
                    StreamTimings.DEFAULT)) {
                change(elsewhere, "grant", user, 5);
            }
            try (TestServer back = TestServer.startOnPort(dir.resolve("server"), port, env)) {
                wait.until(driver -> got(browser).size() == 3);
                assertEquals(List.of("1 coins.granted 10", "2 coins.spent 7", "3 coins.granted 12"), got(browser),
                        "what it missed, once, after its own reconnect");
                assertEquals(2L, browser.executeScript("return window.opened;"));
                change(back, "spend", user, 2);
                wait.until(driver -> got(browser).size() == 4);
                assertEquals("4 coins.spent 10", got(browser).get(3));
            }
        } finally {
            browser.quit();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> got(ChromeDriver browser) {
        return (List<String>) browser.executeScript("return window.got;");
    }

    private static void change(TestServer on, String kind, String user, long amount) {
        HttpResponse<String> answer = on.post("/api/internal/coins/" + kind, "{\"user_id\": \"" + user
                + "\", \"amount\": " + amount + ", \"idempotency_key\": \"" + UUID.randomUUID() + "\"}", API_KEY);
        assertEquals(200, answer.statusCode(), answer.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
