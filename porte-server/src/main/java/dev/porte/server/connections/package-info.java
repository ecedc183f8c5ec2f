/**
 * The seam between enforcement and the server: the gateway reports each connection it decided as
 * a {@link dev.porte.server.connections.ConnectionEvent} to a
 * {@link dev.porte.server.connections.ConnectionLog}; the server stores and counts them.
 */
@NullMarked
package dev.porte.server.connections;

import org.jspecify.annotations.NullMarked;
