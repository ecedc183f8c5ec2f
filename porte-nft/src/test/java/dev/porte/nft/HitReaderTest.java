package dev.porte.nft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.Direction;
import dev.porte.core.model.Policy;
import dev.porte.core.policy.Policies;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * Counters read back without a kernel: a listing in the shape of {@code nft -j list table inet
 * porte} is made from the compiled ruleset, with chosen counts, and each count must land on the
 * policy rule that owns it, whichever chain counted it.
 */
class HitReaderTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Filtered mode: outbound_reply and outbound_reply_dnat share the outbound rules, sets and owners. */
  private static final String POLICY = String.join("\n",
      "replies: filtered",
      "inbound:",
      "  - allow: 8080/tcp",          // line 3
      "outbound:",
      "  - deny: 80/tcp",             // line 5: logged, a level of its own
      "    log: true",
      "  - allow: 8080/tcp",          // line 7: shares the reply set with line 9
      "    to: 10.231.0.0/24",
      "  - allow: 9000/tcp",          // line 9
      "    to: 10.0.0.0/8",
      "");

  @Test
  void publishedRepliesCountForTheSameOutboundRuleAsLocalOnes() {
    Policy policy = Policies.parser().parse(POLICY, "porte.yaml");
    NftRuleset ruleset = NftCompiler.compile(policy);
    NftSet shared = ruleset.sets().stream().filter(s -> s.name().startsWith("reply_")).findFirst().orElseThrow();
    assertThat(shared.countsByElement()).isTrue();
    assertThat(ruleset.chain("outbound_reply_dnat").rules()).extracting(NftRule::text)
        .anySatisfy(text -> assertThat(text).contains("@" + shared.name()));

    // One packet on every rule counter of both reply chains, three on every element of their shared set.
    RuleHits hits = HitReader.read(policy, ruleset, listing(ruleset,
        chain -> chain.equals("outbound_reply") || chain.equals("outbound_reply_dnat"), shared.name(), 3));
    Map<Integer, Long> byLine = new LinkedHashMap<>();
    hits.rules().forEach(r -> byLine.put(r.rule().location().line(), r.count().packets()));
    // Line 5: its verdict rule in each reply chain (the log twins own nothing). Lines 7 and 9: their
    // element of the one set both chains look up, and nothing else.
    assertThat(byLine).containsEntry(3, 0L).containsEntry(5, 2L).containsEntry(7, 3L).containsEntry(9, 3L);
    assertThat(hits.defaults().get(Direction.OUTBOUND).count().packets()).as("the default of both chains").isEqualTo(2);
    assertThat(hits.defaults().get(Direction.INBOUND).count().packets()).isZero();
  }

  @Test
  void inboundAndPublishedConnectionsAddUpPerRule() {
    Policy policy = Policies.parser().parse(POLICY, "porte.yaml");
    NftRuleset ruleset = NftCompiler.compile(policy);
    RuleHits hits = HitReader.read(policy, ruleset, listing(ruleset, chain -> chain.startsWith("inbound"), "", 0));
    assertThat(hits.rules().get(0).count()).isEqualTo(new RuleHits.Count(2, 2 * 60));
    assertThat(hits.defaults().get(Direction.INBOUND).count().packets()).isEqualTo(2);
  }

  /**
   * The listing nft would print for {@code ruleset}: every rule of a chain {@code counted} has
   * counted one packet of 60 bytes, every other rule none; every element of set {@code countedSet}
   * {@code perElement} packets, of other sets none.
   */
  private static JsonNode listing(NftRuleset ruleset, Predicate<String> counted, String countedSet, int perElement) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode items = root.putArray("nftables");
    for (NftSet set : ruleset.sets()) {
      ObjectNode node = items.addObject().putObject("set");
      node.put("name", set.name());
      ArrayNode elems = node.putArray("elem");
      for (String element : set.elements()) {
        ObjectNode elem = elems.addObject().putObject("elem");
        ArrayNode concat = elem.putObject("val").putArray("concat");
        for (String part : element.split(" \\. ")) {
          part(concat, part);
        }
        int packets = set.name().equals(countedSet) ? perElement : 0;
        elem.putObject("counter").put("packets", packets).put("bytes", packets * 60L);
      }
    }
    for (NftChain chain : ruleset.chains()) {
      for (NftRule rule : chain.rules()) {
        ObjectNode node = items.addObject().putObject("rule");
        node.put("chain", chain.name());
        ArrayNode expr = node.putArray("expr");
        if (rule.statements().contains("counter")) {
          int packets = counted.test(chain.name()) ? 1 : 0;
          expr.addObject().putObject("counter").put("packets", packets).put("bytes", packets * 60L);
        }
      }
    }
    return root;
  }

  private static void part(ArrayNode concat, String part) {
    if (part.contains("/")) {
      String[] cidr = part.split("/");
      concat.addObject().putObject("prefix").put("addr", cidr[0]).put("len", Integer.parseInt(cidr[1]));
    } else if (part.contains(".") || part.contains(":")) {
      concat.add(part);
    } else if (part.contains("-")) {
      String[] range = part.split("-");
      concat.addObject().putArray("range").add(Integer.parseInt(range[0])).add(Integer.parseInt(range[1]));
    } else {
      concat.add(Integer.parseInt(part));
    }
  }
}
