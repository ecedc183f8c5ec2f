/**
 * The model of DESIGN.md section 1: ports, ranges, protocols, addresses, rules, policies, flows and
 * decisions. Every type here is immutable and safe to share between threads.
 */
@NullMarked
package dev.porte.core.model;

import org.jspecify.annotations.NullMarked;
