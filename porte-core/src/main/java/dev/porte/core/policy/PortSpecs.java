package dev.porte.core.policy;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.PortRange;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import java.util.List;
import java.util.Locale;

/**
 * The grammar of one port as written in a policy or on the command line.
 *
 * <pre>
 * 3306            TCP and UDP 3306
 * 3306/tcp        TCP 3306
 * 8000-8080       TCP and UDP 8000 to 8080
 * 8000-8080/udp   UDP 8000 to 8080
 * tcp, udp, icmp  every port of one protocol
 * http, http/udp  a service name (see {@link ServiceResolver})
 * </pre>
 */
public final class PortSpecs {
  private static final String VALID = "valid: 80, 80/tcp, 8000-8080, 8000-8080/udp, a service name such as http, or tcp, udp, icmp, any";

  private PortSpecs() {}

  public static List<PortSpec> parse(String text, ServiceResolver services) {
    String spec = text.strip();
    if (spec.isEmpty()) {
      throw new PorteException(ErrorCode.INVALID_PORT, "empty port (" + VALID + ")");
    }
    String lower = spec.toLowerCase(Locale.ROOT);
    if (lower.equals("tcp") || lower.equals("udp") || lower.equals("icmp") || lower.equals("icmpv6")) {
      return List.of(PortSpec.all(Protocol.parse(lower)));
    }
    char first = spec.charAt(0);
    if (Character.isDigit(first) || first == '-' || first == '+') {
      return numeric(spec);
    }
    if (!PolicyParser.isServiceName(spec)) {
      throw new PorteException(ErrorCode.INVALID_PORT, "not a port: '" + spec + "' (" + VALID + ")");
    }
    return services.resolve(spec);
  }

  private static List<PortSpec> numeric(String spec) {
    int slash = spec.indexOf('/');
    String rangeText = slash < 0 ? spec : spec.substring(0, slash);
    PortRange range = PortRange.parse(rangeText);
    if (slash < 0) {
      return List.of(new PortSpec(Protocol.TCP, range), new PortSpec(Protocol.UDP, range));
    }
    String protocolText = spec.substring(slash + 1);
    Protocol protocol;
    try {
      protocol = Protocol.parse(protocolText);
    } catch (PorteException e) {
      throw new PorteException(
          ErrorCode.INVALID_PROTOCOL, "unknown protocol in '" + spec + "': '" + protocolText + "' (valid: tcp, udp)", e);
    }
    if (protocol == Protocol.ICMP) {
      throw new PorteException(ErrorCode.INVALID_PORT, "icmp has no ports: '" + spec + "' (write just 'icmp')");
    }
    if (protocol == Protocol.ANY) {
      return List.of(new PortSpec(Protocol.TCP, range), new PortSpec(Protocol.UDP, range));
    }
    return List.of(new PortSpec(protocol, range));
  }

  /** True when the text says its protocol itself: {@code 80/tcp}, {@code http/udp}, {@code tcp}. */
  static boolean namesProtocol(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    return lower.indexOf('/') >= 0 || lower.equals("tcp") || lower.equals("udp") || lower.startsWith("icmp");
  }

  static String stripProtocol(String text) {
    int slash = text.indexOf('/');
    return slash < 0 ? text : text.substring(0, slash);
  }
}
