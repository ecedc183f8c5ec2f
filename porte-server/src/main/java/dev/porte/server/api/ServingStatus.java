package dev.porte.server.api;

import dev.porte.gateway.GatewayLoad;
import dev.porte.gateway.UnresolvedBackend;
import dev.porte.gateway.Unserved;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the gateway that {@code porte serve} runs could not listen on, and how full it is, for the
 * API's health and the console. Empty while no gateway runs (the API alone, or a test's server).
 * Thread-safe: the gateway attaches and detaches itself from the command's thread, the API reads on
 * its own.
 */
public final class ServingStatus {
  /** Where the two answers come from; one field, so a reader never sees one gateway's half and another's. */
  private record Source(Supplier<List<Unserved>> unserved, Supplier<List<UnresolvedBackend>> unresolved,
      Supplier<Optional<GatewayLoad>> load) {}

  private static final Source NO_GATEWAY = new Source(List::of, List::of, Optional::empty);

  private volatile Source source = NO_GATEWAY;

  /** The running gateway reports here from now on. */
  public void attach(Supplier<List<Unserved>> unserved, Supplier<List<UnresolvedBackend>> unresolved, Supplier<GatewayLoad> load) {
    source = new Source(unserved, unresolved, () -> Optional.of(load.get()));
  }

  /** The gateway stopped: nothing is unserved because nothing is served. */
  public void detach() {
    source = NO_GATEWAY;
  }

  /** The service addresses not listened on now, in the policy's order. */
  public List<Unserved> unserved() {
    return source.unserved().get();
  }

  /** The services whose backend's name does not resolve, one line each. */
  public List<UnresolvedBackend> unresolvedBackends() {
    return source.unresolved().get();
  }

  /** The gateway's connections and sessions against their caps; empty when no gateway runs. */
  public Optional<GatewayLoad> load() {
    return source.load().get();
  }
}
