/** Warnings where a policy contradicts itself or exposes what it should not (DESIGN.md section 1). */
@NullMarked
package dev.porte.core.lint;

import org.jspecify.annotations.NullMarked;
