/** Prometheus metrics of the server: connections, bytes, checks and policy applies. */
@NullMarked
package dev.porte.server.metrics;

import org.jspecify.annotations.NullMarked;
