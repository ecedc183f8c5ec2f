package dev.porte.server.api;

import dev.porte.core.lint.LintWarning;
import dev.porte.core.model.Direction;
import dev.porte.core.model.Policy;
import dev.porte.core.model.Rule;
import dev.porte.core.registry.IanaEntry;
import dev.porte.core.registry.PortReport;
import dev.porte.gateway.UnresolvedBackend;
import dev.porte.gateway.Unserved;
import dev.porte.server.connections.ConnectionEvent;
import dev.porte.server.store.AppliedPolicy;
import dev.porte.server.store.PolicyVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON shapes of the API, as ordered maps: the wire format is written here, once, rather
 * than left to whatever fields the model types happen to have.
 */
final class Views {
  private Views() {}

  static Map<String, Object> version(PolicyVersion v, boolean withText) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", v.id());
    json.put("createdAt", v.createdAt().toString());
    json.put("author", v.author());
    json.put("message", v.message());
    json.put("sha256", v.sha256());
    if (withText) {
      json.put("text", v.text());
    }
    return json;
  }

  static Map<String, Object> applied(AppliedPolicy applied) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("version", applied.version().id());
    json.put("appliedAt", applied.appliedAt().toString());
    json.put("appliedBy", applied.appliedBy());
    json.put("kind", applied.kind());
    json.put("rollbacksPossible", applied.depth());
    return json;
  }

  /**
   * The current policy: stored version, how it was applied, and what it says; its doors show what
   * the gateway could not listen on.
   */
  static Map<String, Object> current(AppliedPolicy applied, Policy policy, List<LintWarning> warnings,
      List<Unserved> unserved, List<UnresolvedBackend> unresolved) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("version", applied.version().id());
    json.put("sha256", applied.version().sha256());
    json.put("text", applied.version().text());
    json.put("applied", applied(applied));
    json.put("policy", policy(policy, unserved, unresolved));
    json.put("warnings", warnings(warnings));
    return json;
  }

  /** A policy that is not (or not yet) served: its doors as the policy draws them. */
  static Map<String, Object> policy(Policy policy) {
    return policy(policy, List.of(), List.of());
  }

  static Map<String, Object> policy(Policy policy, List<Unserved> unserved, List<UnresolvedBackend> unresolved) {
    Map<String, Object> json = new LinkedHashMap<>();
    Map<String, Object> defaults = new LinkedHashMap<>();
    defaults.put("inbound", policy.defaultAction(Direction.INBOUND).toString());
    defaults.put("outbound", policy.defaultAction(Direction.OUTBOUND).toString());
    json.put("defaults", defaults);
    json.put("replies", policy.replies().toString());
    json.put("inbound", rules(policy.rules(Direction.INBOUND)));
    json.put("outbound", rules(policy.rules(Direction.OUTBOUND)));
    json.put("doors", Doors.of(policy, unserved, unresolved));
    return json;
  }

  static List<Object> rules(List<Rule> rules) {
    List<Object> list = new ArrayList<>();
    for (Rule rule : rules) {
      list.add(rule(rule));
    }
    return list;
  }

  static Map<String, Object> rule(Rule rule) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("summary", rule.summary());
    json.put("action", rule.action().toString());
    json.put("ports", rule.portsText());
    json.put("remotes", rule.remotesText());
    json.put("priority", rule.priority());
    json.put("enabled", rule.enabled());
    json.put("comment", rule.comment());
    json.put("line", rule.location().isKnown() ? rule.location().line() : null);
    return json;
  }

  static List<Object> warnings(List<LintWarning> warnings) {
    List<Object> list = new ArrayList<>();
    for (LintWarning w : warnings) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("kind", w.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
      json.put("line", w.location().isKnown() ? w.location().line() : null);
      json.put("message", w.message());
      json.put("text", w.toString());
      list.add(json);
    }
    return list;
  }

  static Map<String, Object> report(PortReport report) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("port", report.port());
    json.put("class", report.portClass().toString());
    List<Object> entries = new ArrayList<>();
    for (IanaEntry entry : report.entries()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", entry.name());
      e.put("ports", entry.ports().toString());
      e.put("transport", entry.transport());
      e.put("description", entry.description());
      entries.add(e);
    }
    json.put("iana", entries);
    json.put("catalogue", report.catalogue().map(c -> c.summary()).orElse(null));
    json.put("text", report.render());
    return json;
  }

  static Map<String, Object> event(ConnectionEvent e) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", e.id());
    json.put("at", e.at().toString());
    json.put("direction", e.direction().toString());
    json.put("protocol", e.protocol().toString());
    json.put("client", e.client().toString());
    json.put("port", e.port());
    json.put("verdict", e.verdict().toString());
    json.put("rule", e.rule());
    json.put("bytesIn", e.bytesIn());
    json.put("bytesOut", e.bytesOut());
    json.put("ended", e.ended());
    return json;
  }
}
