package dev.porte.server.api;

import dev.porte.gateway.Unserved;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the gateway that {@code porte serve} runs could not listen on, for the API's health and
 * the console's doors. Empty while no gateway runs (the API alone, or a test's server). Thread-safe:
 * the gateway attaches and detaches itself from the command's thread, the API reads on its own.
 */
public final class ServingStatus {
  private static final Supplier<List<Unserved>> NO_GATEWAY = List::of;

  private volatile Supplier<List<Unserved>> source = NO_GATEWAY;

  /** The running gateway reports here from now on. */
  public void attach(Supplier<List<Unserved>> gateway) {
    source = gateway;
  }

  /** The gateway stopped: nothing is unserved because nothing is served. */
  public void detach() {
    source = NO_GATEWAY;
  }

  /** The service addresses not listened on now, in the policy's order. */
  public List<Unserved> unserved() {
    return source.get();
  }
}
