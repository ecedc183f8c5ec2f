/**
 * {@code porte serve}: the store, the policy in force, the REST API and the metrics, wired by
 * {@link dev.porte.server.PorteServer}.
 */
@NullMarked
package dev.porte.server;

import org.jspecify.annotations.NullMarked;
