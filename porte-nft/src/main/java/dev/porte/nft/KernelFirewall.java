package dev.porte.nft;

import dev.porte.core.engine.ConnectionVerdict;
import dev.porte.core.engine.DecisionEngine;
import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Policy;
import dev.porte.core.model.Protocol;
import dev.porte.core.policy.Policies;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies, verifies, rolls back and reports porte's table in the kernel, remembering what it did
 * in a {@link StateDir}. Every write is one {@code nft -f} transaction on {@code inet porte}, so a
 * refused ruleset leaves the previous table in force. One instance per command; not thread-safe.
 */
public final class KernelFirewall {
  static final String TABLE = NftCompiler.FAMILY + " " + NftCompiler.TABLE;

  /** Loading this removes porte's table: the state before porte's first apply. */
  static final String NO_TABLE = "table " + TABLE + "\ndelete table " + TABLE + "\n";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Nft nft;
  private final StateDir state;
  private final Clock clock;

  public KernelFirewall(Nft nft, StateDir state, Clock clock) {
    this.nft = nft;
    this.state = state;
    this.clock = clock;
  }

  /** What {@link #apply} did. */
  public record Applied(StateDir.Applied applied, int kernelRules, int sets, @Nullable Instant confirmBy) {}

  /**
   * Refuses a policy that would cut the SSH session porte runs from ({@code SSH_CONNECTION} is
   * "client-ip client-port server-ip server-port"): the inbound connection must stay admitted and,
   * in filtered mode, its data must still leave.
   */
  public static void checkSsh(Policy policy, @Nullable String sshConnection) {
    if (sshConnection == null || sshConnection.isBlank()) {
      return;
    }
    String[] parts = sshConnection.trim().split("\\s+");
    if (parts.length < 4) {
      return;
    }
    IpAddress client;
    int port;
    try {
      client = IpAddress.parse(parts[0]);
      port = Integer.parseInt(parts[3]);
    } catch (RuntimeException e) {
      return; // not an address we can judge; the operator still has --confirm
    }
    ConnectionVerdict verdict = DecisionEngine.compile(policy).connect(Flow.inbound(Protocol.TCP, port, client));
    if (!verdict.dataFlows()) {
      String why = verdict.admitted() ? "its replies are " + verdict.data().action().pastTense() + " by " + verdict.data().decidedBy()
          : "it is " + verdict.open().action().pastTense() + " by " + verdict.open().decidedBy();
      throw new PorteException(ErrorCode.UNSAFE, "refusing to apply: it would cut this SSH session from " + client + " to port "
          + port + "/tcp (" + why + "); fix the policy, or use --force (better with --confirm 60s)");
    }
  }

  /**
   * Refuses to go on when {@code table inet porte} was changed by hand since porte applied it: a
   * new apply would silently throw that change away. The kernel is not touched.
   */
  public void refuseDrift() {
    Optional<StateDir.Applied> current = appliedByPorte();
    if (drifted(current, listTable())) {
      StateDir.Applied applied = current.orElseThrow();
      throw new PorteException(ErrorCode.CONFLICT,
          "refusing to apply: table inet porte was changed by hand since porte applied " + applied.origin() + " at "
              + applied.appliedAt() + " ('porte status' shows the drift); the kernel is untouched. Use --force to replace it");
    }
  }

  public Applied apply(Policy policy, String policyText, String origin, @Nullable Duration confirm) {
    NftRuleset ruleset = NftCompiler.compile(policy);
    String script = NftScript.write(ruleset);
    String before = snapshot();
    if (state.current().isEmpty()) {
      // porte has no record: what the kernel holds now is what a rollback must bring back.
      state.push(new StateDir.Applied("state before porte's first apply", sha256(before), clock.instant(), "",
          "", before, ""));
    }
    Nft.Result loaded = nft.load(script);
    if (loaded.exit() != 0) {
      throw new PorteException(ErrorCode.BACKEND_FAILED,
          "nft refused the ruleset, the previous table stays in force: " + loaded.firstError());
    }
    String problem = verify(ruleset);
    if (problem != null) {
      nft.load(before);
      throw new PorteException(ErrorCode.BACKEND_FAILED,
          "the kernel did not hold the ruleset as compiled (" + problem + "); the previous table was restored");
    }
    StateDir.Applied applied = new StateDir.Applied(origin, sha256(policyText), clock.instant(), fingerprint(),
        policy.replies().toString(), script, policyText);
    state.push(applied);
    Instant confirmBy = null;
    if (confirm != null) {
      confirmBy = clock.instant().plus(confirm);
      String token = UUID.randomUUID().toString();
      state.setPending(new StateDir.Pending(token, confirmBy));
      ConfirmWatchdog.spawn(state, token, confirmBy);
    }
    return new Applied(applied, ruleset.ruleCount(), ruleset.sets().size(), confirmBy);
  }

  /** Restores the previous applied ruleset; what was current becomes previous. */
  public StateDir.Applied rollback() {
    StateDir.Applied previous = state.previous().orElseThrow(() -> new PorteException(ErrorCode.USAGE,
        "nothing to roll back to: porte has applied at most one ruleset here (state in " + state.path() + ")"));
    Nft.Result loaded = nft.load(previous.script());
    if (loaded.exit() != 0) {
      throw new PorteException(ErrorCode.BACKEND_FAILED,
          "nft refused the previous ruleset, the current table stays in force: " + loaded.firstError());
    }
    state.clearPending();
    state.swap();
    state.refingerprint(fingerprint());
    return state.current().orElseThrow();
  }

  /** Called by the watchdog: rolls back unless {@code porte confirm} removed this confirmation. */
  public boolean revertIfUnconfirmed(String token) {
    Optional<StateDir.Pending> pending = state.pending();
    if (pending.isEmpty() || !pending.get().token().equals(token)) {
      return false;
    }
    rollback();
    return true;
  }

  /** What {@link #status} found. */
  public record Status(Optional<StateDir.Applied> applied, boolean tablePresent, boolean drift,
      Optional<StateDir.Pending> pending, List<String> otherHooks) {}

  public Status status() {
    Optional<StateDir.Applied> applied = appliedByPorte();
    Nft.Result listed = listTable();
    boolean present = listed.exit() == 0;
    return new Status(applied, present, drifted(applied, listed), state.pending(), otherHooks());
  }

  /** The last ruleset porte applied, when there is one (not the record of the state before porte). */
  private Optional<StateDir.Applied> appliedByPorte() {
    return state.current().filter(a -> !a.fingerprint().isEmpty());
  }

  private Nft.Result listTable() {
    return nft.run("-s", "list", "table", "inet", NftCompiler.TABLE);
  }

  /** True when porte applied a table and the kernel no longer holds exactly that one. */
  private static boolean drifted(Optional<StateDir.Applied> applied, Nft.Result listed) {
    return applied.isPresent() && (listed.exit() != 0 || !sha256(listed.out()).equals(applied.get().fingerprint()));
  }

  /** Base chains of other tables at porte's hooks, in nft's words. */
  List<String> otherHooks() {
    Nft.Result chains = nft.run("-j", "list", "chains");
    List<String> out = new ArrayList<>();
    if (chains.exit() != 0) {
      return out;
    }
    for (JsonNode item : JSON.readTree(chains.out()).path("nftables")) {
      JsonNode chain = item.path("chain");
      if (chain.isMissingNode() || !chain.has("hook")) {
        continue;
      }
      String table = chain.path("family").asString() + " " + chain.path("table").asString();
      String hook = chain.path("hook").asString();
      if (table.equals(TABLE) || !List.of("input", "forward", "output").contains(hook)) {
        continue;
      }
      out.add("table " + table + " chain " + chain.path("name").asString() + " (hook " + hook + ", priority "
          + chain.path("prio").asString() + ", policy " + chain.path("policy").asString("accept") + ")");
    }
    return out;
  }

  /**
   * What the kernel counted for each rule of the applied policy. The stored policy text is compiled
   * again and must give exactly the applied script (so the compiler's record of which rule owns
   * which counter holds for the kernel's table); a table changed by hand, or a policy this porte
   * compiles differently, is a {@link ErrorCode#CONFLICT} that says so rather than wrong counts.
   */
  public RuleHits hits() {
    StateDir.Applied applied = appliedByPorte().orElseThrow(() -> new PorteException(ErrorCode.CONFLICT,
        "no counters to show: porte has applied nothing here (state in " + state.path() + ")"));
    Nft.Result listed = nft.run("-j", "list", "table", "inet", NftCompiler.TABLE);
    if (listed.exit() != 0) {
      throw new PorteException(ErrorCode.CONFLICT, "no counters to show: table inet porte is gone from the kernel ("
          + listed.firstError() + "); 'porte apply' puts it back");
    }
    if (drifted(Optional.of(applied), listTable())) {
      throw new PorteException(ErrorCode.CONFLICT,
          "counters not attributed: table inet porte was changed by hand since porte applied it; 'porte apply --force' replaces it");
    }
    Compiled compiled = recompile(applied).orElseThrow(() -> new PorteException(ErrorCode.CONFLICT,
        "counters not attributed: the stored policy of " + applied.origin() + " no longer compiles to the applied ruleset"
            + " (porte was upgraded since?); apply it again"));
    return HitReader.read(compiled.policy(), compiled.ruleset(), JSON.readTree(listed.out()));
  }

  /** A policy and what it compiles to. */
  record Compiled(Policy policy, NftRuleset ruleset) {}

  /** The policy whose compiled script is exactly the one applied, from the stored text. */
  static Optional<Compiled> recompile(StateDir.Applied applied) {
    List<Policy> candidates = new ArrayList<>();
    try {
      candidates.add(Policies.parser().parse(applied.policyText(), applied.origin()));
    } catch (RuntimeException e) {
      // Text this porte no longer accepts: no candidate from it; the built-in one may still fit.
    }
    if (applied.policyText().isBlank()) {
      candidates.add(Policy.defaults()); // 'apply' without a file stores no text
    }
    for (Policy candidate : candidates) {
      NftRuleset ruleset = NftCompiler.compile(candidate);
      if (NftScript.write(ruleset).equals(applied.script())) {
        return Optional.of(new Compiled(candidate, ruleset));
      }
    }
    return Optional.empty();
  }

  /** Null when the kernel's table has the chains, rule counts and sets compiled; else what differs. */
  @Nullable String verify(NftRuleset ruleset) {
    Nft.Result listed = nft.run("-j", "list", "table", "inet", NftCompiler.TABLE);
    if (listed.exit() != 0) {
      return "cannot list it: " + listed.firstError();
    }
    Map<String, Integer> rules = new LinkedHashMap<>();
    List<String> sets = new ArrayList<>();
    for (JsonNode item : JSON.readTree(listed.out()).path("nftables")) {
      if (item.has("chain")) {
        rules.putIfAbsent(item.path("chain").path("name").asString(), 0);
      } else if (item.has("rule")) {
        rules.merge(item.path("rule").path("chain").asString(), 1, Integer::sum);
      } else if (item.has("set")) {
        sets.add(item.path("set").path("name").asString());
      }
    }
    Map<String, Integer> expected = new LinkedHashMap<>();
    ruleset.chains().forEach(c -> expected.put(c.name(), c.rules().size()));
    if (!expected.equals(rules)) {
      return "chains and rule counts " + rules + ", expected " + expected;
    }
    List<String> expectedSets = ruleset.sets().stream().map(NftSet::name).toList();
    if (!sets.containsAll(expectedSets) || sets.size() != expectedSets.size()) {
      return "sets " + sets + ", expected " + expectedSets;
    }
    return null;
  }

  /** A script that puts back what the kernel holds now (or removes porte's table if it has none). */
  String snapshot() {
    Nft.Result listed = listTable();
    return listed.exit() == 0 ? NO_TABLE + listed.out() : NO_TABLE;
  }

  private String fingerprint() {
    Nft.Result listed = listTable();
    return listed.exit() == 0 ? sha256(listed.out()) : "";
  }

  public static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
