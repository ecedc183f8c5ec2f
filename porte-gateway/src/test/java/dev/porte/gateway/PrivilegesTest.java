package dev.porte.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrivilegesTest {
  private static final String ROOT = "Name:\tjava\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
      + "CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n";
  private static final String NOBODY = "Name:\tjava\nCapEff:\t0000000000000000\n";
  private static final String ONLY_BIND = "Name:\tjava\nCapEff:\t0000000000000400\nCapAmb:\t0000000000000400\n";
  /** A root in a container that dropped CAP_NET_BIND_SERVICE and kept the rest. */
  private static final String ROOT_WITHOUT_IT = "CapEff:\t000001fffffffbff\n";

  @Test
  void theEffectiveCapabilityDecidesNotTheUser() {
    assertThat(Privileges.parse(ROOT, "1024\n").mayBind(80)).isTrue();
    assertThat(Privileges.parse(ONLY_BIND, "1024\n").mayBind(22)).isTrue();
    assertThat(Privileges.parse(NOBODY, "1024\n").mayBind(80)).isFalse();
    assertThat(Privileges.parse(ROOT_WITHOUT_IT, "1024\n").mayBind(80)).isFalse();
  }

  @Test
  void theNamespacesUnprivilegedPortStartIsHonoured() {
    assertThat(Privileges.parse(NOBODY, "0\n").mayBind(80)).isTrue();
    assertThat(Privileges.parse(NOBODY, "443\n").mayBind(443)).isTrue();
    assertThat(Privileges.parse(NOBODY, "443\n").mayBind(442)).isFalse();
    assertThat(Privileges.parse(NOBODY, "1024\n").mayBind(1024)).isTrue();
    assertThat(Privileges.parse(NOBODY, "1024\n").mayBind(0)).as("port 0: the kernel picks a free one").isTrue();
  }

  @Test
  void whatCannotBeReadAssumesTheLeast() {
    assertThat(Privileges.parse(null, null)).isEqualTo(new Privileges(false, 1024));
    assertThat(Privileges.parse("CapEff:\tzz\n", "many")).isEqualTo(new Privileges(false, 1024));
  }
}
