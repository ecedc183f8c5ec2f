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

  private static Intervals.Owned o(int lo, int hi, int owner) {
    return new Intervals.Owned(r(lo, hi), owner);
  }

  @Test
  void labelGivesEachPortToTheFirstWrittenRuleAndMergesOnlyWithinARule() {
    assertThat(Intervals.label(List.of(o(10, 20, 3), o(21, 25, 3), o(5, 12, 1), o(30, 30, 2), o(31, 31, 3))))
        .containsExactly(o(5, 12, 1), o(13, 25, 3), o(30, 30, 2), o(31, 31, 3));
    assertThat(Intervals.label(List.of(o(0, 65535, 9), o(80, 80, 4))))
        .containsExactly(o(0, 79, 9), o(80, 80, 4), o(81, 65535, 9));
  }

  @Test
  void subtractCutsHolesAndEdges() {
    assertThat(Intervals.subtract(List.of(o(1, 100, 7)), List.of(o(10, 20, 1), o(50, 100, 2)))).containsExactly(o(1, 9, 7), o(21, 49, 7));
    assertThat(Intervals.subtract(List.of(o(1, 10, 7)), List.of(o(0, 65535, 1)))).isEmpty();
    assertThat(Intervals.subtract(List.of(o(1, 10, 7)), List.of())).containsExactly(o(1, 10, 7));
  }

  private static Intervals.Piece p(String cidr, int lo, int hi, int owner) {
    return new Intervals.Piece(Cidr.parse(cidr), r(lo, hi), owner);
  }

  @Test
  void nestedNetworksOfOneRuleKeepOnlyPortsTheirParentsLack() {
    assertThat(Intervals.layers(List.of(p("10.0.0.0/8", 80, 80, 1), p("10.1.0.0/16", 80, 90, 1), p("10.1.2.3", 85, 85, 1))))
        .containsExactly(List.of(p("10.0.0.0/8", 80, 80, 1), p("10.1.0.0/16", 81, 90, 1)));
  }

  @Test
  void anInnerNetworkOfAnEarlierRuleIsLookedUpFirst() {
    // Rule 1 (10.1/16, 80) was written before rule 2 (10/8, 80-81): it owns 10.1/16 port 80, so its
    // piece overlaps rule 2's and must be looked up first, in a set of its own.
    assertThat(Intervals.layers(List.of(p("10.0.0.0/8", 80, 81, 2), p("10.1.0.0/16", 80, 80, 1), p("10.1.0.0/16", 82, 82, 1))))
        .containsExactly(List.of(p("10.1.0.0/16", 80, 80, 1)), List.of(p("10.0.0.0/8", 80, 81, 2), p("10.1.0.0/16", 82, 82, 1)));
  }

  /**
   * The kernel refuses overlapping elements within a set; the sets together must cover exactly
   * what the pieces cover, and the first set that matches must name the first-written owner.
   */
  @RepeatedTest(50)
  void layersCoverExactlyTheUnionAndTheFirstMatchHasTheBestOwner() {
    Random random = new Random();
    List<Intervals.Piece> pieces = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int prefix = 22 + random.nextInt(11);
      Cidr cidr = Cidr.of(IpAddress.parse("10.0." + random.nextInt(4) + "." + random.nextInt(256)), prefix);
      int lo = random.nextInt(40);
      pieces.add(new Intervals.Piece(cidr, r(lo, lo + random.nextInt(10)), random.nextInt(5)));
    }
    List<List<Intervals.Piece>> layers = Intervals.layers(pieces);
    for (int host = 0; host < 1024; host++) {
      IpAddress a = IpAddress.parse("10.0." + host / 256 + "." + host % 256);
      for (int port = 0; port < 52; port++) {
        int q = port;
        int best = pieces.stream().filter(b -> b.cidr().contains(a) && b.range().contains(q)).mapToInt(Intervals.Piece::owner).min().orElse(-1);
        Integer first = null;
        for (List<Intervals.Piece> layer : layers) {
          List<Intervals.Piece> hits = layer.stream().filter(b -> b.cidr().contains(a) && b.range().contains(q)).toList();
          assertThat(hits).as("%s port %d in %s from %s", a, q, layers, pieces).hasSizeLessThanOrEqualTo(1);
          if (first == null && !hits.isEmpty()) {
            first = hits.get(0).owner();
          }
        }
        assertThat(first == null ? -1 : first).as("%s port %d in %s from %s", a, q, layers, pieces).isEqualTo(best);
      }
    }
  }
}
