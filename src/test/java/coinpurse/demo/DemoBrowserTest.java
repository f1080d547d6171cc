package coinpurse.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.elementToBeClickable;
import static org.openqa.selenium.support.ui.ExpectedConditions.numberOfElementsToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import coinpurse.support.HeadlessChromium;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo page in a real browser (headless Chromium) against the real server and the fake
 * Stripe's hosted Checkout page: sign in with a token, pick a package, pay, see the new balance;
 * or cancel and see nothing change. Screenshots of each page go under the build folder.
 */
@Tag("browser")
class DemoBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static TestServer server;
    /** The demo switched on and nothing else: the page's origin is not an allowed redirect target. */
    @RunningServer(env = {"APP_DEMO=true"})
    static TestServer unconfigured;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeAll
    static void startServer(@TempDir Path dir) throws IOException {
        // The page's own origin must be an allowed redirect target (Checkout returns there), as the
        // operator allows it: so the port is known before the start. CORS is left as it is: the page
        // calls the API from the server's own origin.
        int port = freePort();
        server = TestServer.startOnPort(dir, port, Map.of(
                "APP_DEMO", "true",
                "APP_ALLOWED_REDIRECT_ORIGINS", "http://localhost:5173,http://127.0.0.1:" + port));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void startBrowser() {
        browser = HeadlessChromium.start();
        wait = new WebDriverWait(browser, WAIT);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aPackagePaidAtCheckoutShowsItsCoinsAndTheNewBalance() throws IOException {
        String token = server.token("browser-buyer");

        browser.get(server.url("/#token=" + token));
        wait.until(textToBe(By.id("user"), "browser-buyer"));
        wait.until(textToBe(By.id("balance"), "0"));
        wait.until(numberOfElementsToBe(By.cssSelector("#packages li.package"), 3));
        assertFalse(browser.getCurrentUrl().contains(token), "the token left the address: " + browser.getCurrentUrl());
        assertEquals(token, storedToken());
        shot("demo-1-packages.png");

        browser.findElement(By.cssSelector("li[data-package-id='popular'] button.buy")).click();
        wait.until(urlContains(server.stripe().apiBase() + "/checkout/pay/cs_test_"));
        wait.until(visibilityOfElementLocated(By.id("pay")));
        assertEquals("19.99 USD", browser.findElement(By.id("amount")).getText());
        String sessionId = URI.create(browser.getCurrentUrl()).getPath().replace("/checkout/pay/", "");
        shot("demo-2-checkout.png");

        browser.findElement(By.id("pay")).click();
        wait.until(urlContains(server.url("/demo/success.html?session_id=" + sessionId)));
        wait.until(textToBe(By.id("new-balance"), "550"));
        assertEquals("550", browser.findElement(By.id("coins-added")).getText());
        assertEquals("completed", browser.findElement(By.id("status")).getText());
        shot("demo-3-success.png");

        HttpResponse<String> history = server.get("/api/coins/history", token);
        assertEquals(200, history.statusCode(), history.body());
        JsonNode entry = TestServer.json(history).get("entries").get(0);
        assertEquals(550, entry.get("delta").asLong());
        assertEquals(550, entry.get("balance_after").asLong());
        assertEquals("purchase", entry.get("reason").asText());
        assertEquals(sessionId, entry.get("reference").asText());
        assertEquals(1, TestServer.json(history).get("entries").size());

        browser.findElement(By.id("back")).click();
        wait.until(textToBe(By.id("balance"), "550"));
    }

    /**
     * Back from Checkout before the webhook came: the success page reads the status once, sees it
     * pending, and learns of the payment from its event stream, without asking the status route again.
     */
    @Test
    void theSuccessPageLearnsOfTheLatePaymentFromTheStream() {
        String token = server.token("browser-late");
        String sessionId = server.checkout(token, "popular");
        browser.get(server.url("/#token=" + token));
        wait.until(textToBe(By.id("user"), "browser-late"));

        browser.get(server.url("/demo/success.html?session_id=" + sessionId));
        wait.until(textToBe(By.id("status"), "waiting for the payment to be confirmed…"));
        assertEquals(200, server.deliver(server.paidEvent(sessionId)).statusCode());

        wait.until(textToBe(By.id("new-balance"), "550"));
        assertEquals("completed", browser.findElement(By.id("status")).getText());
        assertEquals(1L, browser.executeScript("return performance.getEntriesByType('resource')"
                + ".filter((e) => e.name.includes('/api/payment/status/')).length;"),
                "the status route was read once, when the stream opened; the event told the rest");
        shot("demo-5-late-payment.png");
    }

    @Test
    void aCancelledCheckoutChangesNothing() throws IOException {
        String token = server.token("browser-canceller");

        browser.get(server.url("/"));
        wait.until(visibilityOfElementLocated(By.id("token"))).sendKeys(token);
        browser.findElement(By.id("sign-in-button")).click();
        wait.until(textToBe(By.id("user"), "browser-canceller"));
        wait.until(elementToBeClickable(By.cssSelector("li[data-package-id='starter'] button.buy"))).click();
        wait.until(visibilityOfElementLocated(By.id("cancel")));
        String sessionId = URI.create(browser.getCurrentUrl()).getPath().replace("/checkout/pay/", "");

        browser.findElement(By.id("cancel")).click();
        wait.until(urlContains(server.url("/demo/cancel.html")));
        wait.until(textToBe(By.id("balance"), "0"));
        assertTrue(browser.findElement(By.id("cancelled")).isDisplayed());
        shot("demo-4-cancel.png");

        assertEquals("pending", server.storedStatus(sessionId));
        assertEquals(0, server.storedBalance("browser-canceller"));
        assertEquals(0, TestServer.json(server.get("/api/coins/history", token)).get("entries").size());
    }

    @Test
    void aRefusedTokenAsksToSignInAgain() {
        browser.get(server.url("/?token=not-a-token"));

        wait.until(visibilityOfElementLocated(By.id("message")));
        assertTrue(browser.findElement(By.id("message")).getText().startsWith("That token was refused: "),
                browser.findElement(By.id("message")).getText());
        assertTrue(browser.findElement(By.id("token")).isDisplayed());
        assertFalse(browser.getCurrentUrl().contains("not-a-token"), browser.getCurrentUrl());
        assertEquals(null, storedToken());
    }

    @Test
    void withoutItsOriginAllowedThePageSaysWhichKeyToSet() {
        browser.get(unconfigured.url("/#token=" + unconfigured.token("browser-early")));
        wait.until(elementToBeClickable(By.cssSelector("li[data-package-id='starter'] button.buy"))).click();

        String origin = unconfigured.url("");
        String message = wait.until(visibilityOfElementLocated(By.id("message"))).getText();
        assertTrue(message.startsWith("success_url must point to one of the allowed origins: http://localhost:5173."),
                message);
        assertTrue(message.endsWith("To use this demo, add " + origin + " to app.allowed_redirect_origins, and"
                + " restart the server."), message);
    }

    private Object storedToken() {
        return browser.executeScript("return sessionStorage.getItem('coinpurse.demo.token');");
    }

    private void shot(String name) {
        Path file = HeadlessChromium.screenshot(browser, name);
        assertTrue(Files.isRegularFile(file), file.toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
