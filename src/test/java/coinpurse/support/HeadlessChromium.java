package coinpurse.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's {@code chromium} driven through its {@code chromedriver}, headless, both named by path
 * so that Selenium never looks for (or downloads) a browser or a driver of its own. Missing, they
 * are installed by {@code src/test/browser/install-chromium.sh} (as root, as CI runs), else the test
 * fails with the command that installs them: a browser test that cannot run is a failure.
 */
public final class HeadlessChromium {
    public static final Path BROWSER = Path.of("/usr/bin/chromium");
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Where screenshots go: the build folder (the pom says which), else target/. */
    public static final Path SCREENSHOTS = Path.of(System.getProperty("coinpurse.screenshots", "target/screenshots"));

    private static final String INSTALL_SCRIPT = "src/test/browser/install-chromium.sh";

    private HeadlessChromium() {}

    /** A new browser with a fresh profile; the caller quits it. */
    public static ChromeDriver start() {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            install();
        }
        for (Path needed : new Path[] {BROWSER, DRIVER}) {
            if (!Files.isExecutable(needed)) {
                fail(needed + " is missing: the demo page's browser test needs Debian's chromium and chromedriver"
                        + " (apt-get install -y chromium chromium-driver)");
            }
        }
        ChromeOptions options = new ChromeOptions()
                .setBinary(BROWSER.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1100,760", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--disable-extensions", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }

    private static synchronized void install() {
        try {
            new ProcessBuilder(INSTALL_SCRIPT).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + INSTALL_SCRIPT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing chromium", e);
        }
    }

    /** Saves what {@code driver} shows now as {@code SCREENSHOTS/name}; returns the file. */
    public static Path screenshot(TakesScreenshot driver, String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name);
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the screenshot " + name, e);
        }
    }
}
