/** Error codes and the exception that carries them. */
@NullMarked
package dev.porte.core.error;

import org.jspecify.annotations.NullMarked;
