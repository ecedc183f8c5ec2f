package dev.porte.server.api;

import dev.porte.core.engine.ConnectionVerdict;
import dev.porte.core.engine.DecisionEngine;
import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.Action;
import dev.porte.core.model.Decision;
import dev.porte.core.model.Direction;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Port;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ReplyMode;
import dev.porte.core.model.Rule;
import dev.porte.core.policy.Policies;
import dev.porte.core.policy.PortSpecs;
import dev.porte.core.registry.PortLookup;
import dev.porte.core.registry.PortReport;
import dev.porte.gateway.CloseCause;
import dev.porte.gateway.UnresolvedBackend;
import dev.porte.gateway.Unserved;
import dev.porte.server.PolicyInForce;
import dev.porte.server.connections.ConnectionEvent;
import dev.porte.server.connections.ConnectionQuery;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The read-only questions: health, "would this pass", port lookup, connection log, metrics. */
final class QueryApi {
  /** {@code POST /api/check}. */
  record CheckRequest(@Nullable String direction, @Nullable String port, @Nullable String remote) {}

  private final Backend backend;
  private final PortLookup ports = PortLookup.standard();

  QueryApi(Backend backend) {
    this.backend = backend;
  }

  List<Route> routes() {
    return List.of(
        Route.read("/api/health", this::health),
        // A question, not a change: it takes a body, so it is a POST, but it needs no token.
        new Route(io.javalin.http.HandlerType.POST, "/api/check", false, this::check),
        Route.read("/api/ports/{query}", this::port),
        Route.read("/api/connections", this::connections),
        Route.read("/metrics", this::metrics));
  }

  private void health(Context ctx) {
    Map<String, Object> json = new LinkedHashMap<>();
    // Degraded, not down: the API answers and the other doors are served, but a service's port is
    // held by another program ("unserved" says which, as the gateway's log does), or a backend's
    // name does not resolve, so that door closes every client.
    List<String> unserved = backend.serving().unserved().stream().map(Unserved::text).toList();
    List<String> unresolved = backend.serving().unresolvedBackends().stream().map(UnresolvedBackend::text).toList();
    json.put("status", unserved.isEmpty() && unresolved.isEmpty() ? "ok" : "degraded");
    json.put("time", backend.clock().instant().toString());
    json.put("policyVersion", backend.live().now().applied().version().id());
    json.put("unservedListeners", unserved.size());
    json.put("unserved", unserved);
    json.put("unresolvedBackends", unresolved);
    // Absent while no gateway runs (the API alone): there is nothing to count.
    // The record's components are the JSON's fields, in their order.
    backend.serving().load().ifPresent(load -> json.put("gateway", load));
    ctx.json(json);
  }

  private void check(Context ctx) {
    CheckRequest request = Bodies.read(ctx, CheckRequest.class);
    Direction direction = direction(Bodies.required("direction", request.direction()));
    String portText = Bodies.required("port", request.port());
    IpAddress remote = IpAddress.parse(Bodies.required("remote", request.remote()));
    List<PortSpec> specs = PortSpecs.parse(portText, Policies.services());
    for (PortSpec spec : specs) {
      if (spec.protocol().hasPorts() && spec.range().size() != 1) {
        throw new PorteException(ErrorCode.INVALID_VALUE, "check takes one port, not a range: '" + portText + "' (e.g. 8080/tcp)");
      }
    }
    PolicyInForce.Snapshot now = backend.live().now();
    DecisionEngine engine = now.engine();
    List<Object> results = new ArrayList<>();
    Action overall = Action.ALLOW;
    for (PortSpec spec : specs) {
      ConnectionVerdict verdict = engine.connect(new Flow(direction, spec.protocol(), remote, spec.range().lo()));
      results.add(result(verdict));
      backend.metrics().check(verdict.open().action());
      if (!verdict.open().allowed() && overall == Action.ALLOW) {
        overall = verdict.open().action();
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("direction", direction.toString());
    json.put("port", portText);
    json.put("means", specs.stream().map(PortSpec::toString).toList());
    json.put("remote", remote.toString());
    json.put("verdict", overall.toString());
    json.put("replies", now.policy().replies().toString());
    json.put("policyVersion", now.applied().version().id());
    json.put("results", results);
    ctx.json(json);
  }

  private static Map<String, Object> result(ConnectionVerdict verdict) {
    Flow flow = verdict.flow();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("protocol", flow.protocol().toString());
    json.put("port", flow.protocol() == Protocol.ICMP ? null : flow.port());
    json.putAll(decision(verdict.open(), flow));
    if (flow.direction() == Direction.INBOUND && verdict.open().allowed()) {
      Map<String, Object> replies = new LinkedHashMap<>();
      replies.put("leave", verdict.data().allowed());
      replies.put("mode", verdict.mode().toString());
      if (verdict.mode() == ReplyMode.FILTERED) {
        replies.putAll(decision(verdict.data(), new Flow(Direction.OUTBOUND, flow.protocol(), flow.remote(), flow.port())));
      }
      json.put("replies", replies);
    }
    return json;
  }

  private static Map<String, Object> decision(Decision decision, Flow flow) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("verdict", decision.action().toString());
    json.put("basis", decision.basis().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    json.put("decidedBy", decision.decidedBy());
    Rule rule = decision.rule();
    json.put("rule", rule == null ? null : Views.rule(rule));
    json.put("why", decision.why(flow));
    return json;
  }

  private void port(Context ctx) {
    List<Object> reports = new ArrayList<>();
    for (PortReport report : ports.lookup(ctx.pathParam("query"))) {
      reports.add(Views.report(report));
    }
    ctx.json(Map.of("query", ctx.pathParam("query"), "ports", reports));
  }

  private void connections(Context ctx) {
    String verdict = ctx.queryParam("verdict");
    String port = ctx.queryParam("port");
    String client = ctx.queryParam("client");
    String ended = ctx.queryParam("ended");
    String limit = ctx.queryParam("limit");
    ConnectionQuery query = new ConnectionQuery(
        blank(verdict) ? null : Action.parse(verdict),
        blank(port) ? null : Port.parse(port),
        blank(client) ? null : IpAddress.parse(client),
        blank(ended) ? null : CloseCause.parse(ended).label(),
        blank(limit) ? ConnectionQuery.DEFAULT_LIMIT : number("limit", limit));
    List<Object> events = new ArrayList<>();
    for (ConnectionEvent event : backend.connections().find(query)) {
      events.add(Views.event(event));
    }
    ctx.json(Map.of("connections", events));
  }

  private void metrics(Context ctx) {
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(backend.metrics().scrape());
  }

  /** A bad direction is a bad value in a well-formed request (422), as a bad port or address is. */
  private static Direction direction(String text) {
    try {
      return Direction.parse(text);
    } catch (PorteException e) {
      throw new PorteException(ErrorCode.INVALID_VALUE, e.getMessage(), e);
    }
  }

  private static boolean blank(@Nullable String value) {
    return value == null || value.isBlank();
  }

  private static int number(String name, String text) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new PorteException(ErrorCode.INVALID_VALUE, name + " must be a number: '" + text + "'");
    }
  }
}
