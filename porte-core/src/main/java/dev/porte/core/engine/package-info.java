/**
 * Evaluators of the verdict rules of DESIGN.md section 1: the plain {@link
 * dev.porte.core.engine.ReferenceEvaluator}, the oracle, and the indexed {@link
 * dev.porte.core.engine.DecisionEngine}.
 */
@NullMarked
package dev.porte.core.engine;

import org.jspecify.annotations.NullMarked;
