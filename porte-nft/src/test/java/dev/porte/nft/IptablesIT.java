package dev.porte.nft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The iptables rendering means what the nft table means: random policies rendered by {@link
 * IptablesCompiler}, loaded with iptables-restore and ip6tables-restore inside the lab's host
 * namespace, against random real probes (see {@link Differential}). Fewer than {@link
 * DifferentialIT}: the rendering shares the verdict law, only its spelling differs.
 */
class IptablesIT {
  private static final int POLICIES = Integer.getInteger("porte.diff.iptables.policies", 8);
  private static final int PROBES_PER_DIRECTION = Integer.getInteger("porte.diff.probes", 80);
  private static final long SEED = Long.getLong("porte.diff.seed", System.nanoTime());

  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.create();
    Tools.requireTools("iptables-restore", "ip6tables-restore");
    Differential.serve(lab);
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void iptablesRulesAgreeWithTheEngineOnRealConnections() {
    Differential differential = new Differential(lab, SEED);
    long start = System.nanoTime();
    for (int n = 0; n < POLICIES; n++) {
      differential.round(n, PROBES_PER_DIRECTION, policy -> lab.loadIptables(IptablesCompiler.compile(policy)));
    }
    System.out.println(differential.summary("differential (iptables)", POLICIES, (System.nanoTime() - start) / 1_000_000));
    assertThat(differential.probes()).isEqualTo(POLICIES * PROBES_PER_DIRECTION * 2);
    // Eight policies see fewer kinds of outcome than DifferentialIT's 25; TCP's are all but certain.
    assertThat(differential.tally().keySet()).contains("inbound tcp refused", "inbound tcp timeout", "inbound tcp data",
        "outbound tcp data");
  }
}
