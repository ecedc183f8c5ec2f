package dev.porte.core.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Services whose backends lead round into one another through the gateway: 80 to the gateway's
 * own 80, or 80 to 81 and 81 back to 80. What "leads to" means is the caller's: the gateway knows
 * where it listens and what a backend's name resolves to; {@code lint} knows only the policy.
 */
public final class BackendLoops {
  private BackendLoops() {}

  /**
   * Each service that is on a loop, with the loop walked from it (itself first: {@code [80]} for
   * a service that dials itself, {@code [80, 81]} for 80 to 81 to 80), in the order of
   * {@code services}. A chain that ends, or that leads into a loop without being on it, is not
   * one.
   *
   * @param next the service whose listener a service's backend reaches, or null when it reaches
   *     none of them; each service leads to at most one other
   */
  public static Map<ServiceBinding, List<ServiceBinding>> find(Collection<ServiceBinding> services,
      Function<ServiceBinding, @Nullable ServiceBinding> next) {
    Map<ServiceBinding, List<ServiceBinding>> loops = new LinkedHashMap<>();
    for (ServiceBinding start : services) {
      List<ServiceBinding> path = new ArrayList<>();
      ServiceBinding at = start;
      // A walk that has not come back after as many steps as there are services never will.
      for (int step = 0; step < services.size() && at != null; step++) {
        path.add(at);
        at = next.apply(at);
        if (at == start) {
          loops.put(start, List.copyOf(path));
          break;
        }
      }
    }
    return loops;
  }
}
