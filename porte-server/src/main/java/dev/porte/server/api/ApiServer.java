package dev.porte.server.api;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson3;
import io.javalin.router.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The REST API and the web console ({@code /}), listening. Every answer is JSON (but {@code /metrics}); every failure is a 4xx with
 * an {@link ApiError} body, and only a bug in porte is a 500. Thread-safe; {@link #close} stops it.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  static final String CONSOLE_DIRECTORY = "/console";
  static final String OPENAPI_RESOURCE = "/dev/porte/server/api/openapi.json";

  private final Javalin app;
  private final List<Route> routes;

  private ApiServer(Javalin app, List<Route> routes) {
    this.app = app;
    this.routes = routes;
  }

  /** Starts the API on {@code host:port} (port 0 picks a free one). */
  public static ApiServer start(Backend backend, String host, int port) {
    List<Route> routes = routes(backend);
    Access access = new Access(backend.token());
    JsonMapper mapper = JsonMapper.builder().build();
    Javalin app = Javalin.create(config -> {
      config.jsonMapper(new JavalinJackson3(mapper, false));
      config.http.maxRequestSize = Bodies.MAX_BYTES;
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      // The web console: static HTML and JavaScript from the classpath, talking to this API.
      config.staticFiles.add(files -> {
        files.hostedPath = "/";
        files.directory = CONSOLE_DIRECTORY;
        files.location = Location.CLASSPATH;
      });
      for (Route route : routes) {
        config.routes.addEndpoint(new Endpoint(route.method(), route.path(), ctx -> {
          access.check(ctx.req().getRemoteAddr(), route.write(), ctx.header("Authorization"));
          route.handler().handle(ctx);
        }));
      }
      config.routes.exception(PorteException.class, (e, ctx) -> error(ctx, ApiError.of(e)));
      config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, fromJavalin(e)));
      config.routes.exception(Exception.class, (e, ctx) -> {
        log.error("{} {} failed", ctx.method(), ctx.path(), e);
        error(ctx, new ApiError(500, "INTERNAL", "porte failed to answer: " + e, 0, 0));
      });
      // Javalin answers unmatched paths itself; make that answer JSON like every other error.
      config.routes.error(404, ctx -> {
        String type = ctx.res().getContentType();
        if (ctx.result() == null || type == null || !type.startsWith("application/json")) {
          error(ctx, new ApiError(404, ErrorCode.NOT_FOUND.name(), "no route " + ctx.method() + " " + ctx.path(), 0, 0));
        }
      });
    });
    app.start(host, port);
    return new ApiServer(app, routes);
  }

  /** Every route the API serves, in the order registered. */
  static List<Route> routes(Backend backend) {
    List<Route> routes = new ArrayList<>();
    routes.addAll(new QueryApi(backend).routes());
    routes.addAll(new PolicyApi(backend).routes());
    routes.add(Route.read("/api/openapi.json", ApiServer::openapi));
    return List.copyOf(routes);
  }

  public int port() {
    return app.port();
  }

  /** {@code METHOD path} of every route, for the OpenAPI test and the startup log. */
  public List<String> describeRoutes() {
    return routes.stream().map(Route::toString).toList();
  }

  @Override
  public void close() {
    app.stop();
  }

  private static void openapi(Context ctx) throws IOException {
    try (InputStream in = ApiServer.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
      }
      ctx.contentType("application/json").result(in.readAllBytes());
    }
  }

  private static void error(Context ctx, ApiError error) {
    ctx.status(error.status()).json(error.body());
  }

  private static ApiError fromJavalin(HttpResponseException e) {
    String code;
    switch (e.getStatus()) {
      case 404:
        code = ErrorCode.NOT_FOUND.name();
        break;
      case 413:
        code = ErrorCode.TOO_LARGE.name();
        break;
      case 401:
        code = ErrorCode.UNAUTHORIZED.name();
        break;
      default:
        code = e.getStatus() >= 500 ? "INTERNAL" : ErrorCode.MALFORMED_REQUEST.name();
    }
    return new ApiError(e.getStatus(), code, String.valueOf(e.getMessage()), 0, 0);
  }
}
