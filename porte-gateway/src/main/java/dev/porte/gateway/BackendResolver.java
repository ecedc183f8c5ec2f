package dev.porte.gateway;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Looks up a backend's host name. The gateway asks at every policy load and again every {@link
 * GatewayConfig#resolveInterval()}, always off the event loops, as a lookup may block for seconds.
 */
@FunctionalInterface
interface BackendResolver {
  /** The operating system's resolver (hosts file, DNS), with the JVM's cache in front of it. */
  BackendResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  /** Every address of {@code host}, in the resolver's order; never empty. */
  List<InetAddress> resolve(String host) throws UnknownHostException;
}
