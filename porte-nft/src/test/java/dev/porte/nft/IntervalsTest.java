package dev.porte.nft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.Cidr;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.PortRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class IntervalsTest {
  private static PortRange r(int lo, int hi) {
    return new PortRange(lo, hi);
  }

  @Test
  void mergeCoalescesOverlappingAndAdjacentRanges() {
    assertThat(Intervals.merge(List.of(r(10, 20), r(21, 25), r(5, 12), r(30, 30))))
        .containsExactly(r(5, 25), r(30, 30));
    assertThat(Intervals.merge(List.of(r(0, 65535), r(80, 80)))).containsExactly(PortRange.ALL);
  }

  @Test
  void subtractCutsHolesAndEdges() {
    assertThat(Intervals.subtract(List.of(r(1, 100)), List.of(r(10, 20), r(50, 100)))).containsExactly(r(1, 9), r(21, 49));
    assertThat(Intervals.subtract(List.of(r(1, 10)), List.of(r(0, 65535)))).isEmpty();
    assertThat(Intervals.subtract(List.of(r(1, 10)), List.of())).containsExactly(r(1, 10));
  }

  @Test
  void outermostDropsNestedNetworks() {
    assertThat(Intervals.outermost(List.of(Cidr.parse("10.1.0.0/16"), Cidr.parse("10.0.0.0/8"), Cidr.parse("10.0.0.0/8"),
        Cidr.parse("192.0.2.1"))))
        .containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("192.0.2.1"));
  }

  @Test
  void nestedNetworksKeepOnlyPortsTheirParentsLack() {
    List<Intervals.Box> out = Intervals.disjoint(List.of(
        new Intervals.Box(Cidr.parse("10.0.0.0/8"), List.of(r(80, 80))),
        new Intervals.Box(Cidr.parse("10.1.0.0/16"), List.of(r(80, 90))),
        new Intervals.Box(Cidr.parse("10.1.2.3"), List.of(r(85, 85)))));
    assertThat(out).containsExactly(
        new Intervals.Box(Cidr.parse("10.0.0.0/8"), List.of(r(80, 80))),
        new Intervals.Box(Cidr.parse("10.1.0.0/16"), List.of(r(81, 90))));
  }

  /** The kernel refuses overlapping elements; the union must be exactly what the rules cover. */
  @RepeatedTest(50)
  void disjointBoxesCoverExactlyTheUnion() {
    Random random = new Random();
    List<Intervals.Box> boxes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int prefix = 24 + random.nextInt(9);
      Cidr cidr = Cidr.of(IpAddress.parse("10.0.0." + random.nextInt(256)), prefix);
      int lo = random.nextInt(40);
      boxes.add(new Intervals.Box(cidr, List.of(r(lo, lo + random.nextInt(10)))));
    }
    List<Intervals.Box> out = Intervals.disjoint(boxes);
    for (int host = 0; host < 256; host++) {
      IpAddress a = IpAddress.parse("10.0.0." + host);
      for (int port = 0; port < 52; port++) {
        int p = port;
        boolean wanted = boxes.stream().anyMatch(b -> b.cidr().contains(a) && b.ports().stream().anyMatch(x -> x.contains(p)));
        long hits = out.stream().filter(b -> b.cidr().contains(a) && b.ports().stream().anyMatch(x -> x.contains(p))).count();
        assertThat(hits).as("%s port %d in %s from %s", a, p, out, boxes).isEqualTo(wanted ? 1 : 0);
      }
    }
  }
}
