/**
 * Service names and port numbers: the IANA registry shipped as data ({@link
 * dev.porte.core.registry.IanaRegistry}), porte's own catalogue of common services with the
 * protocols they really speak ({@link dev.porte.core.registry.ServiceCatalogue}), how a policy
 * resolves a service name ({@link dev.porte.core.registry.ServiceNames}) and what {@code porte
 * port} shows ({@link dev.porte.core.registry.PortLookup}). Every public type here is immutable
 * and safe to share between threads.
 */
@NullMarked
package dev.porte.core.registry;

import org.jspecify.annotations.NullMarked;
