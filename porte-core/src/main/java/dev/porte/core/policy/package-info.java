/**
 * The policy file: YAML or JSON read into a tree that remembers where every value was written,
 * then checked and turned into a {@link dev.porte.core.model.Policy}. Every error names the file,
 * line and column, the bad value and what would be valid; nothing is half-loaded.
 */
@NullMarked
package dev.porte.core.policy;

import org.jspecify.annotations.NullMarked;
