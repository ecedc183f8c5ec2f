package dev.porte.server.api;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.Policy;
import dev.porte.core.policy.Policies;
import dev.porte.server.PolicyInForce;
import dev.porte.server.store.AppliedPolicy;
import dev.porte.server.store.PolicyStore;
import dev.porte.server.store.PolicyVersion;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The policy routes: read the policy in force and the history, propose, apply, roll back.
 * Thread-safe: writes that change the policy in force hold one lock, so the store's order of
 * applies and the order in which they are published to enforcement are the same.
 */
final class PolicyApi {
  /** Who a write is recorded as when the request does not say. */
  static final String DEFAULT_AUTHOR = "api";

  /** {@code POST /api/policy/versions} and {@code /api/policy/validate}. */
  record Proposal(@Nullable String text, @Nullable String message) {}

  private final Backend backend;
  private final Object applyLock = new Object();

  PolicyApi(Backend backend) {
    this.backend = backend;
  }

  List<Route> routes() {
    return List.of(
        Route.read("/api/policy", this::current),
        Route.read("/api/policy/versions", this::versions),
        Route.read("/api/policy/versions/{id}", this::version),
        Route.write("/api/policy/versions", this::propose),
        Route.write("/api/policy/validate", this::validate),
        Route.write("/api/policy/versions/{id}/apply", this::apply),
        Route.write("/api/policy/rollback", this::rollback));
  }

  private void current(Context ctx) {
    PolicyInForce.Snapshot now = backend.live().now();
    ctx.json(Views.current(now.applied(), now.policy(), Policies.linter().lint(now.policy()),
        backend.serving().unserved(), backend.serving().unresolvedBackends()));
  }

  private void versions(Context ctx) {
    long inForce = backend.live().now().applied().version().id();
    List<Object> list = new ArrayList<>();
    for (PolicyVersion version : backend.store().history()) {
      Map<String, Object> json = Views.version(version, false);
      json.put("current", version.id() == inForce);
      list.add(json);
    }
    ctx.json(Map.of("versions", list));
  }

  private void version(Context ctx) {
    PolicyVersion version = backend.store().get(id(ctx));
    Map<String, Object> json = Views.version(version, true);
    json.put("current", version.id() == backend.live().now().applied().version().id());
    ctx.json(json);
  }

  /** Validates, lints and stores a new version; it is not applied. */
  private void propose(Context ctx) {
    Proposal proposal = Bodies.read(ctx, Proposal.class);
    String text = Bodies.required("text", proposal.text());
    String message = proposal.message() == null ? "" : proposal.message();
    Policy policy = Policies.parser().parse(text, PolicyStore.FILE_NAME);
    PolicyVersion saved = backend.store().save(author(ctx), message, text);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("version", Views.version(saved, false));
    json.put("policy", Views.policy(policy));
    json.put("warnings", Views.warnings(Policies.linter().lint(policy)));
    ctx.status(201).json(json);
  }

  /** What propose would say, storing nothing: the console shows lint warnings before applying. */
  private void validate(Context ctx) {
    Proposal proposal = Bodies.read(ctx, Proposal.class);
    Policy policy = Policies.parser().parse(Bodies.required("text", proposal.text()), PolicyStore.FILE_NAME);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("valid", true);
    json.put("policy", Views.policy(policy));
    json.put("warnings", Views.warnings(Policies.linter().lint(policy)));
    ctx.json(json);
  }

  private void apply(Context ctx) {
    long id = id(ctx);
    AppliedPolicy applied = change(() -> backend.store().apply(id, author(ctx)));
    ctx.json(Views.applied(applied));
  }

  private void rollback(Context ctx) {
    AppliedPolicy applied = change(() -> backend.store().rollback(author(ctx)));
    ctx.json(Views.applied(applied));
  }

  private AppliedPolicy change(java.util.function.Supplier<AppliedPolicy> write) {
    synchronized (applyLock) {
      try {
        AppliedPolicy applied = write.get();
        backend.live().publish(applied);
        backend.metrics().applied(applied.kind(), applied.version().id());
        return applied;
      } catch (RuntimeException e) {
        backend.metrics().applyFailed();
        throw e;
      }
    }
  }

  private static long id(Context ctx) {
    String text = ctx.pathParam("id");
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new PorteException(ErrorCode.NOT_FOUND, "no policy version '" + text + "' (versions are numbers)");
    }
  }

  /** {@code X-Porte-Author}, so that the history says who; "api" when absent. */
  private static String author(Context ctx) {
    String author = ctx.header("X-Porte-Author");
    if (author == null || author.isBlank()) {
      return DEFAULT_AUTHOR;
    }
    if (author.length() > 200) {
      throw new PorteException(ErrorCode.INVALID_VALUE, "X-Porte-Author is longer than 200 characters");
    }
    return author.strip();
  }
}
