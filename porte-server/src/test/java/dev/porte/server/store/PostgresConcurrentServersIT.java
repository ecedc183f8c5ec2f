package dev.porte.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.error.PorteException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Three servers on one PostgreSQL database (three pools, as three processes would have) apply and roll
 * back at the same time. Every operation either succeeds or is a clear conflict, and the history
 * stays one consistent stack: the version in force is the one the apply log says.
 */
final class PostgresConcurrentServersIT {
  static final int ROUNDS = 60;

  @Test
  void concurrentAppliesAndRollbacksKeepOneConsistentHistory() throws Exception {
    StoreLocation location = PostgresServer.fresh();
    try (Database a = Database.open(location); Database b = Database.open(location); Database c = Database.open(location)) {
      PolicyStore first = new PolicyStore(a, Clock.systemUTC());
      PolicyStore second = new PolicyStore(b, Clock.systemUTC());
      PolicyStore third = new PolicyStore(c, Clock.systemUTC());
      first.saveAndApply("setup", "base", Samples.CLOSED);
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (PolicyStore store : List.of(first, second, third)) {
          results.add(pool.submit(work(store)));
        }
        int applies = 0;
        for (Future<Integer> result : results) {
          applies += result.get();
        }
        assertThat(applies).isEqualTo(3 * ROUNDS);
      } finally {
        pool.shutdown();
      }
      AppliedPolicy now = first.current().orElseThrow();
      assertThat(second.current()).contains(now);
      assertThat(now.version().intact()).isTrue();
      // Rolling back until nothing is left must walk down to the base version without surprises.
      AppliedPolicy last = now;
      for (int i = 0; i < now.depth(); i++) {
        last = first.rollback("check");
      }
      assertThat(last.version().message()).isEqualTo("base");
    }
  }

  private static Callable<Integer> work(PolicyStore store) {
    return () -> {
      int applies = 0;
      for (int i = 0; i < ROUNDS; i++) {
        store.saveAndApply("worker", "v" + i, Samples.many(i, 5));
        applies++;
        try {
          store.rollback("worker");
        } catch (PorteException e) {
          assertThat(e).hasMessageStartingWith("nothing to roll back to");
        }
      }
      return applies;
    };
  }
}
