package dev.porte.nft;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.Cidr;
import dev.porte.core.model.Direction;
import dev.porte.core.model.Policy;
import dev.porte.core.model.PortRange;
import dev.porte.core.model.Rule;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Turns the kernel's counters ({@code nft -j list table inet porte}) into {@link RuleHits}, using
 * the owners the compiler recorded: a kernel rule is found by its chain and position, a set element
 * by its value. The table must be the one compiled (no drift); anything else is an error naming
 * what differs rather than a wrong count. Stateless.
 */
final class HitReader {
  private HitReader() {}

  static RuleHits read(Policy policy, NftRuleset compiled, JsonNode listing) {
    Map<String, List<JsonNode>> rulesByChain = new HashMap<>();
    Map<String, JsonNode> setsByName = new HashMap<>();
    for (JsonNode item : listing.path("nftables")) {
      if (item.has("rule")) {
        rulesByChain.computeIfAbsent(item.path("rule").path("chain").asString(), k -> new ArrayList<>()).add(item.path("rule"));
      } else if (item.has("set")) {
        setsByName.put(item.path("set").path("name").asString(), item.path("set"));
      }
    }
    Map<Owner, RuleHits.Count> sums = new HashMap<>();
    for (NftChain chain : compiled.chains()) {
      List<JsonNode> kernel = rulesByChain.getOrDefault(chain.name(), List.of());
      if (kernel.size() != chain.rules().size()) {
        throw differs("chain " + chain.name() + " has " + kernel.size() + " rules, porte compiled " + chain.rules().size());
      }
      for (int i = 0; i < kernel.size(); i++) {
        Owner owner = chain.rules().get(i).owner();
        if (owner != null) {
          sums.merge(owner, counter(kernel.get(i)), RuleHits.Count::plus);
        }
      }
    }
    for (NftSet set : compiled.sets()) {
      if (!set.countsByElement()) {
        continue;
      }
      JsonNode kernelSet = setsByName.get(set.name());
      if (kernelSet == null) {
        throw differs("set " + set.name() + " is missing");
      }
      Map<String, Integer> owners = new HashMap<>();
      for (int i = 0; i < set.elements().size(); i++) {
        owners.put(set.elements().get(i), set.owners().get(i));
      }
      for (JsonNode element : kernelSet.path("elem")) {
        JsonNode elem = element.path("elem");
        String value = value(elem.isMissingNode() ? element : elem.path("val"));
        Integer owner = owners.get(value);
        if (owner == null) {
          throw differs("set " + set.name() + " holds " + value + ", which porte did not compile");
        }
        sums.merge(new Owner.OfRule(owner), count(elem.path("counter")), RuleHits.Count::plus);
      }
    }
    List<RuleHits.RuleCount> rules = new ArrayList<>();
    for (Rule rule : policy.rules()) {
      if (rule.enabled()) {
        rules.add(new RuleHits.RuleCount(rule, sums.getOrDefault(new Owner.OfRule(rule.index()), RuleHits.Count.ZERO)));
      }
    }
    Map<Direction, RuleHits.DefaultCount> defaults = new EnumMap<>(Direction.class);
    for (Direction direction : Direction.values()) {
      defaults.put(direction, new RuleHits.DefaultCount(policy.defaultAction(direction),
          sums.getOrDefault(new Owner.OfDefault(direction), RuleHits.Count.ZERO)));
    }
    return new RuleHits(rules, defaults);
  }

  private static RuleHits.Count counter(JsonNode rule) {
    for (JsonNode expr : rule.path("expr")) {
      if (expr.has("counter")) {
        return count(expr.path("counter"));
      }
    }
    throw differs("a rule of chain " + rule.path("chain").asString() + " has no counter");
  }

  private static RuleHits.Count count(JsonNode counter) {
    return new RuleHits.Count(counter.path("packets").asLong(), counter.path("bytes").asLong());
  }

  /** A set element as the compiler wrote it ({@code 10.0.0.0/8 . 80-90}), from nft's JSON. */
  static String value(JsonNode val) {
    if (val.has("concat")) {
      List<String> parts = new ArrayList<>();
      val.path("concat").forEach(part -> parts.add(value(part)));
      return String.join(" . ", parts);
    }
    if (val.has("prefix")) {
      JsonNode prefix = val.path("prefix");
      return NftCompiler.address(Cidr.parse(prefix.path("addr").asString() + "/" + prefix.path("len").asInt()));
    }
    if (val.has("range")) {
      return new PortRange(val.path("range").get(0).asInt(), val.path("range").get(1).asInt()).toString();
    }
    if (val.isNumber()) {
      return Integer.toString(val.asInt());
    }
    return NftCompiler.address(Cidr.parse(val.asString()));
  }

  private static PorteException differs(String what) {
    return new PorteException(ErrorCode.CONFLICT,
        "cannot attribute the kernel's counters: table inet porte is not what porte compiled (" + what + ")");
  }
}
