package dev.porte.core.policy;

import dev.porte.core.model.PortSpec;
import java.util.List;

/**
 * Turns a service name as written in a policy ({@code http}, {@code domain}, {@code http/udp})
 * into the ports it means, or throws a {@link dev.porte.core.error.PorteException} with code
 * UNKNOWN_SERVICE that names the bad name.
 */
@FunctionalInterface
public interface ServiceResolver {
  List<PortSpec> resolve(String name);
}
