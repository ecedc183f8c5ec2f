package dev.porte.core.model;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.util.Locale;

/**
 * Whether the gateway opens each backend connection with a PROXY protocol header (HAProxy's
 * {@code send-proxy} and {@code send-proxy-v2}), so that the service sees the client's address
 * and port instead of the gateway's. nginx ({@code listen ... proxy_protocol}), HAProxy
 * ({@code accept-proxy}), Postfix, Dovecot and most load-balanced software read it; a backend
 * that does not expect it takes the header for the start of the request.
 */
public enum ProxyHeader {
  /** No header: the backend sees the gateway as the client (the default). */
  NONE,
  /** The text header of version 1: {@code PROXY TCP4 198.51.100.7 192.0.2.1 51234 80\r\n}. */
  V1,
  /** The binary header of version 2. */
  V2;

  /** {@code v1}, {@code v2} or {@code none}, in any case. */
  public static ProxyHeader parse(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "v1":
        return V1;
      case "v2":
        return V2;
      case "none":
        return NONE;
      default:
        throw new PorteException(ErrorCode.INVALID_VALUE,
            "unknown PROXY protocol version: '" + text + "' (valid: v1, v2, none)");
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
