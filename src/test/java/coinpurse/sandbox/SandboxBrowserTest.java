package coinpurse.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.elementToBeClickable;
import static org.openqa.selenium.support.ui.ExpectedConditions.numberOfElementsToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import coinpurse.support.HeadlessChromium;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The README's quick start in a real browser (headless Chromium): {@code stripe.sandbox=true} and
 * {@code app.demo=true}, nothing else, no Stripe account. Sign in by name on the demo page, buy,
 * get declined and pay on the sandbox's Checkout page, then refund part of the purchase and lose a
 * dispute there, the demo page's balance following each step (an open shop page follows a refund by its
 * event stream). Screenshots go under the build folder.
 */
@Tag("browser")
class SandboxBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RunningServer(sandbox = true, env = {"APP_DEMO=true"})
    static TestServer server;
    private ChromeDriver browser;
    private WebDriverWait wait;

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
    void buyDeclinedThenPaidRefundPartAndLoseADisputeWhileTheBalanceFollows() {
        browser.get(server.url("/"));
        WebElement name = wait.until(visibilityOfElementLocated(By.id("sandbox-user")));
        name.clear();
        name.sendKeys("sandbox-shopper");
        shot("sandbox-0-sign-in.png");
        browser.findElement(By.id("sandbox-sign-in-button")).click();
        wait.until(textToBe(By.id("user"), "sandbox-shopper"));
        wait.until(textToBe(By.id("balance"), "0"));
        wait.until(numberOfElementsToBe(By.cssSelector("#packages li.package"), 3));
        shot("sandbox-1-shop.png");

        browser.findElement(By.cssSelector("li[data-package-id='popular'] button.buy")).click();
        wait.until(urlContains(server.url("/sandbox/checkout/cs_sandbox_")));
        String sandboxPage = browser.getCurrentUrl();
        String sessionId = URI.create(sandboxPage).getPath().replace("/sandbox/checkout/", "");
        wait.until(visibilityOfElementLocated(By.id("pay")));
        assertEquals("Popular", browser.findElement(By.id("package-name")).getText());
        assertEquals("500 coins + 50 bonus", browser.findElement(By.id("coins")).getText());
        assertEquals("$19.99", browser.findElement(By.id("amount")).getText());

        payWith("4000 0000 0000 0002");
        wait.until(textToBe(By.id("message"), "Your card was declined."));
        assertEquals(sandboxPage, browser.getCurrentUrl());
        assertEquals("pending", server.storedStatus(sessionId));
        shot("sandbox-2-declined.png");

        payWith("4242 4242 4242 4242");
        wait.until(urlContains(server.url("/demo/success.html?session_id=" + sessionId)));
        wait.until(textToBe(By.id("new-balance"), "550"));
        assertEquals("550", browser.findElement(By.id("coins-added")).getText());
        shot("sandbox-3-paid.png");

        // The shop stays open in a second tab while the purchase is refunded in the first.
        String paidTab = browser.getWindowHandle();
        browser.switchTo().newWindow(WindowType.TAB);
        String shopTab = browser.getWindowHandle();
        browser.get(server.url("/#token=" + server.token("sandbox-shopper")));
        wait.until(textToBe(By.id("balance"), "550"));
        browser.switchTo().window(paidTab);

        wait.until(elementToBeClickable(By.id("sandbox-link"))).click();
        wait.until(visibilityOfElementLocated(By.id("refund-amount")));
        WebElement amount = browser.findElement(By.id("refund-amount"));
        assertEquals("19.99", amount.getAttribute("value"), "the field offers all that is left");
        amount.clear();
        amount.sendKeys("5.00");
        browser.findElement(By.id("refund")).click();
        wait.until(textToBe(By.id("refunded"), "$5.00"));
        assertTrue(browser.findElement(By.id("events")).getText().contains("charge.refunded → 200"),
                browser.findElement(By.id("events")).getText());
        shot("sandbox-4-refunded.png");

        // floor(550 coins × 500 / 1999 cents) = 137 taken back: the open shop shows it from its event
        // stream, with no reload and no question to the status route.
        browser.switchTo().window(shopTab);
        wait.until(textToBe(By.id("balance"), "413"));
        assertEquals(0L, browser.executeScript("return performance.getEntriesByType('resource')"
                + ".filter((e) => e.name.includes('/api/payment/status/')).length;"));
        assertEquals(1L, browser.executeScript("return performance.getEntriesByType('navigation').length;"),
                "the shop was not reloaded");
        shot("sandbox-4-shop-followed.png");
        browser.close();
        browser.switchTo().window(paidTab);
        assertShopBalance("413");

        browser.get(sandboxPage);
        wait.until(elementToBeClickable(By.id("open-dispute"))).click();
        wait.until(textToBePresentInElementLocated(By.id("dispute-state"), "open, funds withdrawn"));
        shot("sandbox-5-disputed.png");
        assertShopBalance("0");

        browser.get(sandboxPage);
        wait.until(elementToBeClickable(By.id("lose-dispute"))).click();
        wait.until(textToBePresentInElementLocated(By.id("dispute-state"), "lost"));
        assertTrue(browser.findElement(By.id("refund-closed")).isDisplayed(), "a lost charge cannot be refunded");
        shot("sandbox-6-lost.png");
        assertShopBalance("0");
        assertEquals("refunded", server.storedStatus(sessionId));
    }

    @Test
    void cancelReturnsToTheShopWithNothingCharged() {
        browser.get(server.url("/"));
        wait.until(visibilityOfElementLocated(By.id("sandbox-user"))).sendKeys("-canceller");
        browser.findElement(By.id("sandbox-sign-in-button")).click();
        wait.until(textToBe(By.id("user"), "alice-canceller"));
        wait.until(elementToBeClickable(By.cssSelector("li[data-package-id='starter'] button.buy"))).click();
        wait.until(elementToBeClickable(By.id("cancel"))).click();

        wait.until(urlContains(server.url("/demo/cancel.html")));
        wait.until(textToBe(By.id("balance"), "0"));
        assertEquals(0, server.storedBalance("alice-canceller"));
    }

    private void payWith(String cardNumber) {
        WebElement card = browser.findElement(By.id("card-number"));
        card.clear();
        card.sendKeys(cardNumber);
        wait.until(elementToBeClickable(By.id("pay"))).click();
    }

    /** The demo shop page, opened anew, shows {@code balance}. */
    private void assertShopBalance(String balance) {
        browser.get(server.url("/"));
        wait.until(textToBe(By.id("balance"), balance));
    }

    private void shot(String name) {
        Path file = HeadlessChromium.screenshot(browser, name);
        assertTrue(Files.isRegularFile(file), file.toString());
    }
}
