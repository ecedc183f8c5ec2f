/** The porte command line: one class per command, all testable in-process through {@link dev.porte.cli.Main#run}. */
@NullMarked
package dev.porte.cli;

import org.jspecify.annotations.NullMarked;
