package dev.porte.core.model;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.util.Locale;

/**
 * What happens to a flow: let it pass, drop it silently (the client times out), or refuse it at
 * once (TCP RST or ICMP unreachable).
 */
public enum Action {
  ALLOW("allowed"),
  DENY("denied"),
  REJECT("rejected");

  private final String pastTense;

  Action(String pastTense) {
    this.pastTense = pastTense;
  }

  public static Action parse(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "allow":
        return ALLOW;
      case "deny":
        return DENY;
      case "reject":
        return REJECT;
      default:
        throw new PorteException(
            ErrorCode.INVALID_VALUE, "unknown action: '" + text + "' (valid: allow, deny, reject)");
    }
  }

  /** Deny and reject block; at equal priority a blocking rule beats an allowing one. */
  public boolean blocks() {
    return this != ALLOW;
  }

  /** "allowed", "denied", "rejected". */
  public String pastTense() {
    return pastTense;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
