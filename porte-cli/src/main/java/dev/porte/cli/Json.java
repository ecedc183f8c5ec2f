package dev.porte.cli;

import dev.porte.core.model.Decision;
import dev.porte.core.model.Flow;
import dev.porte.core.model.Rule;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** JSON output of the commands: plain maps and lists, written by Jackson. */
final class Json {
  private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private Json() {}

  static String write(Object value) {
    return MAPPER.writeValueAsString(value);
  }

  /** A decision's fields: verdict, basis, the rule that decided (if any), and why. */
  static Map<String, Object> decision(Decision decision, Flow flow) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("verdict", decision.action().toString());
    json.put("basis", decision.basis().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    json.put("decidedBy", decision.decidedBy());
    Rule rule = decision.rule();
    if (rule != null) {
      json.put("rule", rule(rule));
    }
    json.put("why", decision.why(flow));
    return json;
  }

  static Map<String, Object> rule(Rule rule) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("summary", rule.summary());
    json.put("direction", rule.direction().toString());
    json.put("action", rule.action().toString());
    json.put("file", rule.location().file());
    json.put("line", rule.location().isKnown() ? rule.location().line() : null);
    json.put("priority", rule.priority());
    if (!rule.comment().isEmpty()) {
      json.put("comment", rule.comment());
    }
    return json;
  }
}
