package dev.porte.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code porte serve} in-process: it starts, answers over HTTP, says what it did, and stops. */
class ServeCommandTest {
  private static final Pattern URL = Pattern.compile("console at (http://127\\.0\\.0\\.1:[0-9]+/) \\(API: ");

  @TempDir Path dir;

  /** A running serve: the lines it printed up to "running", and its thread. */
  record Running(List<String> lines, Thread thread, AtomicInteger exit, StringWriter err) {
    URI url() {
      for (String line : lines) {
        Matcher m = URL.matcher(line);
        if (m.find()) {
          return URI.create(m.group(1));
        }
      }
      throw new AssertionError("no URL in " + lines);
    }

    int stop() throws InterruptedException {
      thread.interrupt();
      thread.join();
      return exit.get();
    }
  }

  Running serve(String... args) throws Exception {
    PipedReader pipe = new PipedReader(1 << 16);
    PrintWriter out = new PrintWriter(new PipedWriter(pipe), true);
    StringWriter err = new StringWriter();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread thread = new Thread(() -> {
      exit.set(Main.run(args, out, new PrintWriter(err, true)));
      out.close();
    }, "serve-under-test");
    thread.start();
    List<String> lines = new ArrayList<>();
    BufferedReader reader = new BufferedReader(pipe);
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      lines.add(line);
      if (line.startsWith("running")) {
        return new Running(lines, thread, exit, err);
      }
    }
    thread.join();
    throw new AssertionError("serve ended with " + exit.get() + " before running: " + lines + " " + err);
  }

  @Test
  void servesTheSafeDefaultPrintsTheTokenOnceAndStopsCleanly() throws Exception {
    String[] args = {"serve", "--console", "127.0.0.1:0", "--state-dir", dir.toString()};
    Running first = serve(args);
    String output = String.join("\n", first.lines());
    assertThat(output).contains("no policy was stored yet: serving the safe default (every inbound port closed, everything may leave) as version 1");
    assertThat(output).containsPattern("API token \\(shown this once; kept in .*api-token, mode 0600\\): [A-Za-z0-9_-]{43}");
    assertThat(output).contains("database: " + dir.resolve("porte.db"));
    assertThat(output).contains("gateway: the policy in force defines no services, so no port is served yet");
    String token = Files.readString(dir.resolve("api-token")).strip();
    assertThat(output).contains(token);

    HttpResponse<String> health = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(first.url().resolve("api/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"policyVersion\":1");
    assertThat(first.stop()).isZero();

    Running second = serve(args);
    String again = String.join("\n", second.lines());
    assertThat(again).contains("serving policy version 1 (safe default on first start");
    assertThat(again).contains("API token: in " + dir.resolve("api-token")).doesNotContain(token);
    assertThat(second.stop()).isZero();
  }

  @Test
  void aBadGatewayOptionIsRefusedBeforeTheStoreIsCreated() {
    Path state = dir.resolve("state");
    Cli result = Cli.run("serve", "--max-connections", "0", "--state-dir", state.toString());
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err()).isEqualTo("porte: --max-connections 0 is out of range (valid: 1 or more)\n");
    assertThat(state).as("nothing created").doesNotExist();
  }

  @Test
  void aBadConsoleAddressIsAUsageError() {
    Cli result = Cli.run("serve", "--console", "localhost", "--state-dir", dir.toString());
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err()).isEqualTo("porte: expected HOST:PORT such as 127.0.0.1:9474, got 'localhost'\n");
  }
}
