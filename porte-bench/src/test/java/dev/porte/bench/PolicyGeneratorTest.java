package dev.porte.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porte.core.engine.DecisionEngine;
import dev.porte.core.engine.ReferenceEvaluator;
import dev.porte.core.model.Cidr;
import dev.porte.core.model.Decision;
import dev.porte.core.model.Flow;
import dev.porte.core.model.Policy;
import dev.porte.core.model.Rule;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PolicyGeneratorTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 100, 5000})
  void producesTheRequestedNumberOfRules(int count) {
    assertThat(new PolicyGenerator(1).policy(count).rules()).hasSize(count);
  }

  @Test
  void isDeterministicForASeed() {
    PolicyGenerator generator = new PolicyGenerator(PolicyGenerator.DEFAULT_SEED);
    Policy a = generator.policy(2000);
    Policy b = new PolicyGenerator(PolicyGenerator.DEFAULT_SEED).policy(2000);
    assertThat(describe(a)).isEqualTo(describe(b));
    assertThat(Arrays.asList(generator.flows(a, 512))).isEqualTo(Arrays.asList(generator.flows(b, 512)));
    assertThat(describe(new PolicyGenerator(PolicyGenerator.DEFAULT_SEED + 1).policy(2000))).isNotEqualTo(describe(a));
  }

  @Test
  void mixesBothFamiliesAndRulesForAnyAddress() {
    List<Rule> rules = new PolicyGenerator(7).policy(2000).rules();
    List<Cidr> networks = rules.stream().flatMap(r -> r.remotes().stream()).collect(Collectors.toList());
    assertThat(networks).anyMatch(Cidr::isV6).anyMatch(c -> !c.isV6());
    assertThat(networks).anyMatch(c -> c.prefix() == 32 && !c.isV6()).anyMatch(c -> c.prefix() == 128);
    assertThat(rules).anyMatch(Rule::isAnywhere);
    Flow[] flows = new PolicyGenerator(7).flows(new PolicyGenerator(7).policy(2000), 4096);
    assertThat(flows).hasSize(4096).anyMatch(f -> f.remote().v6()).anyMatch(f -> !f.remote().v6());
  }

  @Test
  void generatedTrafficHitsRulesAndDefaultsAndTheEngineAgrees() {
    PolicyGenerator generator = new PolicyGenerator(3);
    Policy policy = generator.policy(3000);
    DecisionEngine engine = DecisionEngine.compile(policy);
    ReferenceEvaluator reference = new ReferenceEvaluator(policy);
    int byRule = 0;
    for (Flow flow : generator.flows(policy, 1024)) {
      Decision expected = reference.decide(flow);
      assertThat(engine.decide(flow)).as("%s", flow).isEqualTo(expected);
      byRule += expected.basis() == Decision.Basis.RULE ? 1 : 0;
    }
    assertThat(byRule).as("flows decided by a rule").isBetween(200, 1000);
  }

  @Test
  void refusesANegativeCount() {
    assertThatThrownBy(() -> new PolicyGenerator(1).policy(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rule count must be >= 0: -1");
  }

  private static String describe(Policy policy) {
    return policy.rules().stream()
        .map(r -> r.summary() + " p" + r.priority() + " " + r.direction())
        .collect(Collectors.joining("\n"));
  }
}
