/**
 * The userspace gateway (DESIGN.md section 2, "Userspace"): listens on the ports of a policy's
 * services, decides each connection and datagram flow with the decision engine, and relays what is
 * admitted to the service's backend. {@link dev.porte.gateway.Gateway} is the entry point.
 */
@NullMarked
package dev.porte.gateway;

import org.jspecify.annotations.NullMarked;
