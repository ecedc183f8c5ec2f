package dev.porte.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.Cidr;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Port;
import dev.porte.core.model.PortRange;
import dev.porte.core.policy.Policies;
import dev.porte.core.policy.PolicyException;
import dev.porte.core.policy.PolicyParser;
import dev.porte.core.policy.PortSpecs;
import java.util.function.Supplier;

/**
 * Holds every parser to one contract: a value, or a {@link PorteException} that names the input;
 * never another exception, never a silent widening. In a normal build these run the saved inputs
 * under {@code src/test/resources/.../ParserFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class ParserFuzzTest {
  private static final PolicyParser PARSER = Policies.parser();

  @FuzzTest(maxDuration = "60s")
  @DictionaryEntries({"/", "::", ".", "0", "32", "128", "4294967296", "%", "-", "ffff", "::ffff:", "127.0.0.1"})
  void cidrIsAValueOrAValidationError(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    Cidr cidr = valueOrValidationError(() -> Cidr.parse(text));
    if (cidr != null) {
      // What parsed must print and re-parse to itself, and never be wider than written.
      assertThat(Cidr.parse(cidr.toString())).isEqualTo(cidr);
      int slash = text.indexOf('/');
      int written = slash < 0 ? cidr.network().bitLength() : Integer.parseInt(text.substring(slash + 1));
      assertThat(cidr.prefix()).isEqualTo(written);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void addressIsAValueOrAValidationError(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    IpAddress address = valueOrValidationError(() -> IpAddress.parse(text));
    if (address != null) {
      assertThat(IpAddress.parse(address.toString())).isEqualTo(address);
    }
  }

  @FuzzTest(maxDuration = "30s")
  @DictionaryEntries({"-", "/tcp", "/udp", "/icmp", "65535", "65536", "http", "any", "tcp"})
  void portsAreAValueOrAValidationError(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    PortRange range = valueOrValidationError(() -> PortRange.parse(text));
    if (range != null) {
      assertThat(PortRange.parse(range.toString())).isEqualTo(range);
      assertThat(range.lo()).isBetween(Port.MIN, Port.MAX);
      assertThat(range.hi()).isBetween(range.lo(), Port.MAX);
    }
    valueOrValidationError(() -> Port.parse(text));
    valueOrValidationError(() -> PortSpecs.parse(text, Policies.services()));
  }

  @FuzzTest(maxDuration = "120s")
  @DictionaryEntries({
    "defaults:", "replies:", "groups:", "inbound:", "outbound:", "services:", "allow:", "deny:", "reject:",
    "from:", "to:", "proto:", "priority:", "comment:", "enabled:", "log:", "filtered", "stateful",
    "- ", "[", "]", "{", "}", ": ", "/24", "/tcp", "http", "ssh", "any", "&a", "*a", "!!", "---"
  })
  void policyIsAPolicyOrAValidationError(FuzzedDataProvider data) {
    boolean json = data.consumeBoolean();
    String text = data.consumeRemainingAsString();
    try {
      assertThat(PARSER.parse(text, json ? "fuzz.json" : "fuzz.yaml")).isNotNull();
    } catch (PolicyException e) {
      assertThat(e.getMessage()).startsWith(json ? "fuzz.json:" : "fuzz.yaml:");
    }
  }

  private static <T> T valueOrValidationError(Supplier<T> parse) {
    try {
      return parse.get();
    } catch (PorteException e) {
      assertThat(e.getMessage()).isNotBlank();
      return null;
    }
  }
}
