package dev.porte.core.policy;

import dev.porte.core.model.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The parser the tests use, and the policies they share. */
public final class TestPolicies {
  private TestPolicies() {}

  public static PolicyParser parser() {
    return Policies.parser();
  }

  public static Policy parse(String yaml) {
    return parser().parse(yaml, "test.yaml");
  }

  public static String resource(String name) {
    try (InputStream in = TestPolicies.class.getResourceAsStream("/policies/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource /policies/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
