package dev.porte.gateway;

import static dev.porte.gateway.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Looking a policy's backend names up again: only names, only what changed. */
class PolicySnapshotTest {
  private final Map<String, String> names = new HashMap<>();
  private final List<String> asked = new ArrayList<>();
  private final BackendResolver resolver = host -> {
    asked.add(host);
    String addresses = names.get(host);
    if (addresses == null) {
      throw new UnknownHostException(host);
    }
    List<InetAddress> all = new ArrayList<>();
    for (String address : addresses.split(", ")) {
      all.add(InetAddress.getByName(address));
    }
    return all;
  };

  private static final String TWO = "services:\n  80: { to: 'web.test:8080' }\n  22: { to: 127.0.0.1:2222 }\n";

  @Test
  void onlyNamesAreLookedUpAgainAndNothingNewIsMadeWhenNothingChanged() throws Exception {
    names.put("web.test", "192.0.2.10");
    PolicySnapshot first = PolicySnapshot.of(policy(TWO), resolver);
    assertThat(first.namesBackends()).isTrue();
    asked.clear();
    assertThat(first.reresolved(resolver)).isSameAs(first);
    assertThat(asked).containsExactly("web.test");
  }

  @Test
  void aMovedNameGivesASnapshotWithTheNewAddressAndTheSameEngine() throws Exception {
    names.put("web.test", "192.0.2.10");
    PolicySnapshot first = PolicySnapshot.of(policy(TWO), resolver);
    names.put("web.test", "192.0.2.11");
    PolicySnapshot moved = first.reresolved(resolver);
    assertThat(moved).isNotSameAs(first);
    assertThat(moved.engine).as("the policy is not compiled again").isSameAs(first.engine);
    assertThat(moved.backend(moved.service(Protocol.TCP, 80)).first())
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("192.0.2.11"), 8080));
    assertThat(moved.backend(moved.service(Protocol.TCP, 22)).first())
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 2222));
  }

  @Test
  void aNameThatStopsResolvingKeepsItsLastAddressAndIsMarkedOnce() throws Exception {
    names.put("web.test", "192.0.2.10");
    PolicySnapshot first = PolicySnapshot.of(policy(TWO), resolver);
    names.clear();
    PolicySnapshot stale = first.reresolved(resolver);
    assertThat(stale).isNotSameAs(first);
    assertThat(stale.backend(stale.service(Protocol.TCP, 80)).first().getAddress().getHostAddress()).isEqualTo("192.0.2.10");
    assertThat(stale.reresolved(resolver)).as("still failing: nothing new").isSameAs(stale);
    names.put("web.test", "192.0.2.10");
    PolicySnapshot back = stale.reresolved(resolver);
    assertThat(back).as("resolves again: no longer marked").isNotSameAs(stale);
    assertThat(back.reresolved(resolver)).isSameAs(back);
  }

  @Test
  void aPolicyOfAddressesOnlyHasNothingToLookUp() {
    PolicySnapshot literal = PolicySnapshot.of(policy("services:\n  22: { to: '[::1]:2222' }\n  80: { to: 127.0.0.1:8080 }\n"),
        resolver);
    assertThat(literal.namesBackends()).isFalse();
    asked.clear();
    assertThat(literal.reresolved(resolver)).isSameAs(literal);
    assertThat(asked).isEmpty();
  }

  @Test
  void aNameThatDidNotResolveAtLoadIsUnresolvedUntilItDoes() throws Exception {
    PolicySnapshot first = PolicySnapshot.of(policy(TWO), resolver);
    assertThat(first.backend(first.service(Protocol.TCP, 80)).isUnresolved()).isTrue();
    assertThat(first.reresolved(resolver)).isSameAs(first);
    names.put("web.test", "192.0.2.10");
    PolicySnapshot now = first.reresolved(resolver);
    assertThat(now.backend(now.service(Protocol.TCP, 80)).isUnresolved()).isFalse();
  }

  @Test
  void aNameWithSeveralAddressesKeepsThemAllAndTheirOrderMayRotateWithoutAChange() throws Exception {
    names.put("web.test", "192.0.2.10, 192.0.2.11, 2001:db8::10");
    PolicySnapshot first = PolicySnapshot.of(policy(TWO), resolver);
    BackendAddresses web = first.backend(first.service(Protocol.TCP, 80));
    assertThat(web.hosts()).isEqualTo("192.0.2.10, 192.0.2.11, 2001:db8:0:0:0:0:0:10");
    assertThat(web.first()).isEqualTo(new InetSocketAddress(InetAddress.getByName("192.0.2.10"), 8080));
    names.put("web.test", "192.0.2.11, 2001:db8::10, 192.0.2.10");
    assertThat(first.reresolved(resolver)).as("a round robin's rotation is no change").isSameAs(first);
    names.put("web.test", "192.0.2.11, 192.0.2.12");
    PolicySnapshot moved = first.reresolved(resolver);
    assertThat(moved.backend(moved.service(Protocol.TCP, 80)).hosts()).isEqualTo("192.0.2.11, 192.0.2.12");
  }

  @Test
  void theAddressThatAnsweredIsDialledFirstUntilItFails() throws Exception {
    names.put("web.test", "192.0.2.10, 192.0.2.11, 192.0.2.12");
    PolicySnapshot first = PolicySnapshot.of(policy(TWO), resolver);
    BackendAddresses web = first.backend(first.service(Protocol.TCP, 80));
    assertThat(web.preferred()).isZero();
    assertThat(web.prefer(0, 1)).as("192.0.2.11 answered after .10 failed").isTrue();
    assertThat(web.prefer(0, 2)).as("a connection that saw the old preference moves nothing").isFalse();
    assertThat(web.first().getAddress().getHostAddress()).isEqualTo("192.0.2.11");
    assertThat(web.at(web.preferred(), 2).getAddress().getHostAddress()).as("round the list").isEqualTo("192.0.2.10");
    assertThat(web.prefer(1, 3)).as("past the end wraps to the first").isTrue();
    assertThat(web.preferred()).isZero();
  }

  @Test
  void aReloadKeepsWhichAddressAnsweredWhileTheAddressesStayTheSame() throws Exception {
    names.put("web.test", "192.0.2.10, 192.0.2.11");
    PolicySnapshot first = PolicySnapshot.of(policy(TWO), resolver);
    first.backend(first.service(Protocol.TCP, 80)).prefer(0, 1);
    PolicySnapshot reloaded = first.reloaded(policy(TWO + "  443: { to: 'web.test:8443' }\n"), resolver);
    assertThat(reloaded.backend(reloaded.service(Protocol.TCP, 80)).first().getAddress().getHostAddress())
        .isEqualTo("192.0.2.11");
    assertThat(reloaded.backend(reloaded.service(Protocol.TCP, 443)).first().getAddress().getHostAddress())
        .as("another port of the same name is another backend").isEqualTo("192.0.2.10");
    names.put("web.test", "192.0.2.10, 192.0.2.12");
    PolicySnapshot moved = first.reloaded(policy(TWO), resolver);
    assertThat(moved.backend(moved.service(Protocol.TCP, 80)).first().getAddress().getHostAddress())
        .as("new addresses start from the first").isEqualTo("192.0.2.10");
  }
}
