package dev.porte.server.api;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One API route. {@code write} routes need the bearer token from everywhere; the others need it
 * only from addresses other than loopback. Immutable.
 */
record Route(HandlerType method, String path, boolean write, Handler handler) {
  static Route read(String path, Handler handler) {
    return new Route(HandlerType.GET, path, false, handler);
  }

  static Route write(String path, Handler handler) {
    return new Route(HandlerType.POST, path, true, handler);
  }

  @Override
  public String toString() {
    return method + " " + path;
  }
}
