package dev.porte.server.api;

import dev.porte.server.PolicyInForce;
import dev.porte.server.metrics.ServerMetrics;
import dev.porte.server.store.ConnectionLogStore;
import dev.porte.server.store.PolicyStore;
import java.time.Clock;

/**
 * What the API serves from: the store, the policy in force, the connection log, the meters and
 * what the gateway could not listen on.
 */
public record Backend(PolicyStore store, PolicyInForce live, ConnectionLogStore connections, ServerMetrics metrics,
    ServingStatus serving, AccessToken token, Clock clock) {}
