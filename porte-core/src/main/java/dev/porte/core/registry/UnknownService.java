package dev.porte.core.registry;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.util.ArrayList;
import java.util.List;

/**
 * The errors for a service name that porte cannot turn into ports, worded once for every caller
 * ({@code ServiceNames} for policies, {@code PortLookup} for {@code porte port}). Scripts may match
 * this text, so it is treated as API.
 */
final class UnknownService {
  /** How many "did you mean" names an error offers. */
  static final int SUGGESTIONS = 3;

  private UnknownService() {}

  /**
   * {@code unknown service: 'htp' (not in porte's catalogue or the IANA registry; did you mean
   * http?)}, or the sharper message for a name IANA lists without a port or for a port number.
   */
  static PorteException of(String name, ServiceCatalogue catalogue, IanaRegistry iana) {
    if (!name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return new PorteException(
          ErrorCode.UNKNOWN_SERVICE,
          "unknown service: '" + name + "' is a port number, not a name (write it as a port: "
              + name + "/tcp or " + name + "/udp)");
    }
    if (iana.isRegisteredWithoutPort(name)) {
      return new PorteException(
          ErrorCode.UNKNOWN_SERVICE,
          "service '" + name + "' has no port in the IANA registry (it is registered for"
              + " service discovery only; write the port it uses instead, e.g. 5000/tcp)");
    }
    List<String> candidates = new ArrayList<>(catalogue.names());
    candidates.addAll(iana.names()); // after the catalogue's: at equal distance its names win
    List<String> close = Spelling.closest(name, candidates, SUGGESTIONS);
    return new PorteException(
        ErrorCode.UNKNOWN_SERVICE,
        "unknown service: '" + name + "' (not in porte's catalogue or the IANA registry"
            + (close.isEmpty() ? "" : "; did you mean " + orList(close) + "?") + ")");
  }

  /** {@code "a"}, {@code "a or b"}, {@code "a, b or c"}. */
  static String orList(List<String> names) {
    if (names.size() == 1) {
      return names.get(0);
    }
    return String.join(", ", names.subList(0, names.size() - 1))
        + " or " + names.get(names.size() - 1);
  }
}
