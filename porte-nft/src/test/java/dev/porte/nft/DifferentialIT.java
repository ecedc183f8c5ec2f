package dev.porte.nft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random policies, compiled to nft and loaded into a real kernel, against random real probes
 * (see {@link Differential}): a few thousand per run.
 */
class DifferentialIT {
  private static final int POLICIES = Integer.getInteger("porte.diff.policies", 25);
  private static final int PROBES_PER_DIRECTION = Integer.getInteger("porte.diff.probes", 80);
  private static final long SEED = Long.getLong("porte.diff.seed", System.nanoTime());

  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.create();
    Differential.serve(lab);
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void kernelAgreesWithTheEngineOnRealConnections() {
    Differential differential = new Differential(lab, SEED);
    long start = System.nanoTime();
    for (int n = 0; n < POLICIES; n++) {
      differential.round(n, PROBES_PER_DIRECTION, policy -> lab.load(NftScript.write(NftCompiler.compile(policy))));
    }
    System.out.println(differential.summary("differential (nft)", POLICIES, (System.nanoTime() - start) / 1_000_000));
    assertThat(differential.probes()).isEqualTo(POLICIES * PROBES_PER_DIRECTION * 2);
    // Every outcome a client can see must have been seen, or the comparison proved little.
    assertThat(differential.tally().keySet()).contains(
        "inbound tcp refused", "inbound tcp timeout", "inbound tcp data", "inbound tcp nodata",
        "outbound tcp refused", "outbound tcp timeout", "outbound tcp data",
        "inbound udp refused", "inbound udp timeout", "inbound udp data", "outbound udp refused", "outbound udp data",
        "inbound icmp refused", "inbound icmp timeout", "inbound icmp data", "outbound icmp data");
  }
}
