package dev.porte.server.store;

import java.nio.file.Path;
import java.time.Clock;

/**
 * The victim of {@link KillDuringWriteIT}: writes big policy versions to a SQLite file forever,
 * alternating save-and-apply with a save followed by a separate apply, and prints {@code committed
 * ID} after each write returns, so that the parent knows what the store has accepted.
 */
public final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    int start = Integer.parseInt(args[1]);
    try (Database db = Database.open(StoreLocation.sqlite(file))) {
      PolicyStore store = new PolicyStore(db, Clock.systemUTC());
      System.out.println("open");
      System.out.flush();
      for (int i = start; ; i++) {
        long id;
        if (i % 2 == 0) {
          id = store.saveAndApply("crash-writer", "version " + i, Samples.many(i, 1500)).version().id();
        } else {
          id = store.save("crash-writer", "version " + i, Samples.many(i, 1500)).id();
          store.apply(id, "crash-writer");
        }
        System.out.println("committed " + id);
        System.out.flush();
      }
    }
  }
}
