package dev.porte.server.store;

import java.time.Instant;

/**
 * The version in force, and the apply (or rollback) that put it there. Immutable.
 *
 * @param depth how many applied versions lie below this one: how many rollbacks are possible
 */
public record AppliedPolicy(PolicyVersion version, Instant appliedAt, String appliedBy, String kind, int depth) {}
