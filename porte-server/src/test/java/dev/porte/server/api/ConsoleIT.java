package dev.porte.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import dev.porte.core.model.Protocol;
import dev.porte.server.ConsoleAddress;
import dev.porte.server.PorteServer;
import dev.porte.server.ServerConfig;
import dev.porte.server.store.StoreLocation;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The web console in a real headless Chromium (Debian's chromium and chromium-driver): load the
 * page, add a rule, apply it, and see the change through the API; roll it back; see a policy
 * error. Skipped without Chromium, except in CI (CI=true), where that is a failure.
 */
final class ConsoleIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir Path dir;
  PorteServer server;
  WebDriver browser;
  WebDriverWait wait;
  Http http;

  @BeforeEach
  void start() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      String why = "no " + CHROMIUM + " or " + CHROMEDRIVER + " (apt-get install chromium chromium-driver, as .ci/run does)";
      if ("true".equals(System.getenv("CI"))) {
        fail("CI=true and " + why);
      }
      Assumptions.abort(why);
    }
    server = PorteServer.start(new ServerConfig(
        new ConsoleAddress("127.0.0.1", 0), StoreLocation.sqlite(dir.resolve("porte.db")), dir.resolve("state"), Clock.systemUTC(), 100));
    http = new Http(server.url());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + dir.resolve("chromium-profile"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort()
        .build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(20));
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void addARuleApplyItAndSeeItInForceThenRollBack() throws Exception {
    browser.get(server.url().toString());
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("summary"), "version 1"));
    assertThat(text("summary")).contains("inbound default deny").contains("replies filtered");
    assertThat(text("inbound-rules")).contains("no rules: the default applies to every port");

    allowInTheConsoleAndApply("8080/tcp", "open the second web server");
    assertThat(browser.findElement(By.id("editor")).getDomProperty("value")).contains("inbound:\n  - allow: 8080/tcp\n");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("inbound-rules"), "8080/tcp"));
    assertThat(text("summary")).contains("version 2");

    JsonNode policy = http.get("/api/policy").json();
    assertThat(policy.get("version").asLong()).isEqualTo(2);
    assertThat(policy.get("policy").get("inbound").get(0).get("summary").asString()).isEqualTo("allow 8080/tcp");
    JsonNode check = http.post("/api/check", Http.json(Map.of("direction", "inbound", "port", "8080/tcp", "remote", "198.51.100.7")), Map.of()).json();
    assertThat(check.get("verdict").asString()).isEqualTo("allow");
    assertThat(http.get("/api/policy/versions/2").json().get("message").asString()).isEqualTo("open the second web server");

    browser.findElement(By.id("rollback-button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "rolled back"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("summary"), "version 1"));
    assertThat(http.get("/api/policy").json().get("version").asLong()).isEqualTo(1);
  }

  @Test
  void aRuleAddedInTheConsoleOpensTheDoorForARealClient() throws Exception {
    try (WebBehindGateway web = new WebBehindGateway(server)) {
      Map<String, String> auth = Map.of("Authorization", "Bearer " + server.token().value());
      Http.Answer served = http.post("/api/policy/versions", Http.json(Map.of("text", web.policy(8080, false), "message", "serve the web")), auth);
      assertThat(served.status()).as(served.body()).isEqualTo(201);
      assertThat(http.post("/api/policy/versions/2/apply", null, auth).status()).isEqualTo(200);
      assertThat(web.fetch(8080)).as("the door is closed before the console opens it").isEmpty();

      browser.get(server.url().toString());
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("summary"), "version 2"));
      allowInTheConsoleAndApply("8080/tcp", "open the web");

      assertThat(web.fetch(8080)).as("the applied rule opens the door for a real client").contains(WebBehindGateway.PAGE);
      assertThat(web.requests).hasValue(1);

      // The picture of the host: door 8080 stands open, and the client who came through it shows.
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("doors"), "in: open to anyone"));
      assertThat(text("doors")).contains("8080/tcp").contains("serves 127.0.0.1:");
      wait.withTimeout(Duration.ofSeconds(30))
          .until(ExpectedConditions.textToBePresentInElementLocated(By.id("doors"), WebBehindGateway.JUDGED_AS + " ✓"));
      assertThat(text("doors")).contains(WebBehindGateway.JUDGED_AS + " ✗");
      // The connection log, drawn in the same pass, says how the admitted connection ended.
      assertThat(browser.findElement(By.cssSelector("#connections thead")).getText()).endsWith("ended");
      assertThat(browser.findElements(By.cssSelector("#connections tbody tr td:last-child")))
          .extracting(org.openqa.selenium.WebElement::getText).contains("closed");
    }
  }

  @Test
  void aDoorSaysWhenItsServiceGetsAProxyHeader() throws Exception {
    Map<String, String> auth = Map.of("Authorization", "Bearer " + server.token().value());
    Http.Answer proposed = http.post("/api/policy/versions", Http.json(Map.of("text",
        "inbound:\n  - allow: 80/tcp\nservices:\n  80: { to: 127.0.0.1:8080, proxy: v2, max_connections: 500 }\n  22: { to: 127.0.0.1:2222, idle: 8h }\n",
        "message", "web behind a PROXY header")), auth);
    assertThat(proposed.status()).as(proposed.body()).isEqualTo(201);
    assertThat(http.post("/api/policy/versions/2/apply", null, auth).status()).isEqualTo(200);

    browser.get(server.url().toString());
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("doors"),
        "serves 127.0.0.1:8080 (PROXY v2 header), at most 500 at once"));
    assertThat(text("doors")).contains("serves 127.0.0.1:2222, idle 8h allowed").doesNotContain("2222 (PROXY")
        .doesNotContain("header), idle");
  }

  @Test
  void aDoorWhosePortAnotherProgramHoldsSaysItIsNotServed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        WebBehindGateway web = new WebBehindGateway(server, service -> service == 81 ? taken.getLocalPort() : 0)) {
      Map<String, String> auth = Map.of("Authorization", "Bearer " + server.token().value());
      Http.Answer proposed = http.post("/api/policy/versions", Http.json(Map.of("text", web.policy(81, true), "message", "81 is held")), auth);
      assertThat(proposed.status()).as(proposed.body()).isEqualTo(201);
      assertThat(http.post("/api/policy/versions/2/apply", null, auth).status()).isEqualTo(200);

      browser.get(server.url().toString());
      String notServed = "NOT SERVED: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ";
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("doors"), notServed));
      assertThat(browser.findElements(By.cssSelector(".door.unserved"))).hasSize(1);
      assertThat(browser.findElement(By.cssSelector(".door.unserved .door-port")).getText()).isEqualTo("81/tcp");
    }
  }

  @Test
  void theConsoleSaysHowFullTheGatewayIsAndWhatItsCapsRefused() throws Exception {
    browser.get(server.url().toString());
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("load"), "No gateway runs here"));

    try (WebBehindGateway capped = new WebBehindGateway(server, p -> 0, b -> b.maxConnectionsPerSource(1))) {
      Map<String, String> auth = Map.of("Authorization", "Bearer " + server.token().value());
      Http.Answer proposed = http.post("/api/policy/versions", Http.json(Map.of("text", capped.policy(80, true),
          "message", "one connection per client")), auth);
      assertThat(proposed.status()).as(proposed.body()).isEqualTo(201);
      assertThat(http.post("/api/policy/versions/2/apply", null, auth).status()).isEqualTo(200);
      try (Socket held = new Socket()) {
        held.bind(new InetSocketAddress(WebBehindGateway.CLIENT, 0));
        held.connect(capped.served.gateway().address(Protocol.TCP, 80), 5000);
        await().atMost(Duration.ofSeconds(5)).until(() -> capped.served.gateway().openConnections() == 1);
        try {
          assertThat(capped.fetch(80)).as("a second connection from the same client is refused").isEmpty();
        } catch (SocketException reset) {
          // the reset surfaced while reading: refused all the same
        }
        browser.navigate().refresh();
        int max = capped.served.gateway().config().maxConnections();
        String line = "Gateway: 1 of " + String.format(Locale.US, "%,d", max) + " connections open";
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("load"), line));
        assertThat(text("load")).contains("1 refused by a cap since the start");
        assertThat(browser.findElement(By.id("load")).getAttribute("class")).isEqualTo("partly");
      }
    }
  }

  @Test
  void anInvalidPolicyShowsTheErrorWithItsLineAndIsNotStored() throws Exception {
    browser.get(server.url().toString());
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("summary"), "version 1"));
    browser.findElement(By.id("token")).sendKeys(server.token().value());
    WebElement editor = browser.findElement(By.id("editor"));
    editor.clear();
    editor.sendKeys("inbound:\n  - allow: 70000/tcp\n");

    browser.findElement(By.id("apply-button")).click();
    wait.until(ExpectedConditions.attributeContains(By.id("status"), "class", "error"));

    assertThat(text("status")).startsWith("INVALID_PORT: porte.yaml:2:").contains("70000");
    assertThat(http.get("/api/policy/versions").json().get("versions")).hasSize(1);
  }

  @Test
  void withoutTheTokenTheConsoleSaysWhatIsMissing() {
    browser.get(server.url().toString());
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("summary"), "version 1"));

    browser.findElement(By.id("rollback-button")).click();
    wait.until(ExpectedConditions.attributeContains(By.id("status"), "class", "error"));

    assertThat(text("status")).startsWith("UNAUTHORIZED: writes need 'Authorization: Bearer <token>'");
  }

  /** As an operator does: token, "add rule" for an inbound allow, check, then save and apply. */
  private void allowInTheConsoleAndApply(String port, String why) {
    browser.findElement(By.id("token")).sendKeys(server.token().value());
    new Select(browser.findElement(By.id("add-direction"))).selectByValue("inbound");
    new Select(browser.findElement(By.id("add-action"))).selectByVisibleText("allow");
    browser.findElement(By.id("add-port")).sendKeys(port);
    browser.findElement(By.id("add-button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "valid"));
    assertThat(browser.findElement(By.id("editor")).getDomProperty("value")).contains("  - allow: " + port + "\n");
    browser.findElement(By.id("message")).sendKeys(why);
    browser.findElement(By.id("apply-button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "saved and applied"));
  }

  private String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }
}
