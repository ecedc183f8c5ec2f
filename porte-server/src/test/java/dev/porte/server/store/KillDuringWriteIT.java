package dev.porte.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.policy.Policies;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 during a write: a child JVM writes policy versions in a loop and is killed with SIGKILL
 * after a random number of commits, that is, in the middle of a later write. The next open must
 * find every version whole (its hash matches its text, and the text parses), every version the
 * child reported committed, and a current version that is one of them.
 */
final class KillDuringWriteIT {
  @TempDir Path dir;

  @Test
  void aWriterKilledMidWriteLeavesOnlyWholeVersions() throws Exception {
    Path file = dir.resolve("porte.db");
    long seed = System.nanoTime();
    Random random = new Random(seed);
    long lastCommitted = 0;
    for (int round = 0; round < 3; round++) {
      int commits = 2 + random.nextInt(25);
      lastCommitted = runAndKill(file, round * 1000, commits);

      try (Database db = Database.open(StoreLocation.sqlite(file))) {
        PolicyStore store = new PolicyStore(db, Clock.systemUTC());
        List<PolicyVersion> history = store.history();
        assertThat(history).as("seed %d round %d", seed, round).isNotEmpty();
        for (PolicyVersion version : history) {
          assertThat(version.intact()).as("version %d of seed %d is whole", version.id(), seed).isTrue();
          Policies.parser().parse(version.text(), "porte.yaml");
        }
        assertThat(history.get(0).id()).as("every reported commit survived (seed %d)", seed).isGreaterThanOrEqualTo(lastCommitted);
        AppliedPolicy current = store.current().orElseThrow();
        assertThat(current.version().intact()).isTrue();
        assertThat(history).contains(current.version());
      }
    }
  }

  /** Starts the writer, waits for {@code commits} commits, kills it with SIGKILL; the last id seen. */
  private long runAndKill(Path file, int start, int commits) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(), file.toString(), Integer.toString(start))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    long last = 0;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("open");
      for (int seen = 0; seen < commits; seen++) {
        String line = out.readLine();
        assertThat(line).as("the writer is still writing").startsWith("committed ");
        last = Long.parseLong(line.substring("committed ".length()));
      }
      // The child is in the middle of its next write now.
      child.destroyForcibly();
      assertThat(child.waitFor()).as("killed by SIGKILL").isEqualTo(137);
    } finally {
      child.destroyForcibly();
    }
    assertThat(new File(file.toString())).exists();
    return last;
  }
}
