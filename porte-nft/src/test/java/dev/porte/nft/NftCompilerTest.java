package dev.porte.nft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.Policy;
import dev.porte.core.policy.Policies;
import org.junit.jupiter.api.Test;

class NftCompilerTest {
  private static Policy parse(String yaml) {
    return Policies.parser().parse(yaml, "porte.yaml");
  }

  @Test
  void scratch() {
    Policy p = parse(String.join("\n",
        "groups:",
        "  office: [203.0.113.0/24, 2001:db8:10::/48]",
        "inbound:",
        "  - allow: http",
        "  - allow: 443/tcp",
        "  - allow: ssh",
        "    from: office",
        "  - reject: 3306",
        "  - allow: [1000-2000/tcp, 1500-2500/tcp, icmp]",
        "    from: [10.0.0.0/8, 10.1.0.0/16, 10.1.2.3, 10.2.0.0/16, 10.3.0.0/16, 192.0.2.0/24]",
        "outbound:",
        "  - deny: 80/tcp",
        ""));
    String script = NftScript.write(NftCompiler.compile(p));
    System.out.println(script);
    Tools.Result r = Tools.nftCheck(script);
    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
  }
}
