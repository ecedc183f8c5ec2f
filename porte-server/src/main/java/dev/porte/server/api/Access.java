package dev.porte.server.api;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/**
 * Who may do what: writes need the bearer token from everywhere; reads need it from every
 * address but loopback (the console's own host). Immutable and thread-safe.
 */
final class Access {
  private final AccessToken token;

  Access(AccessToken token) {
    this.token = token;
  }

  /**
   * Returns when the request may go on.
   *
   * @param remoteAddress the peer's literal IP address, as the servlet container gives it
   * @throws PorteException {@link ErrorCode#UNAUTHORIZED} with what is missing or wrong
   */
  void check(String remoteAddress, boolean write, @Nullable String authorization) {
    if (!write && isLoopback(remoteAddress)) {
      return;
    }
    if (authorization == null) {
      throw new PorteException(
          ErrorCode.UNAUTHORIZED,
          (write ? "writes need" : "reads from other hosts need") + " 'Authorization: Bearer <token>' (the token is in "
              + token.file() + ")");
    }
    if (!token.accepts(authorization)) {
      throw new PorteException(
          ErrorCode.UNAUTHORIZED, "wrong token in the Authorization header (the token is in " + token.file() + ")");
    }
  }

  static boolean isLoopback(String address) {
    String bare = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    if (!bare.matches("[0-9a-fA-F:.%a-zA-Z]+") || !(bare.contains(".") || bare.contains(":"))) {
      return false;
    }
    try {
      // Only literal addresses get here, so this is a parse, not a DNS lookup.
      return InetAddress.getByName(bare).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
