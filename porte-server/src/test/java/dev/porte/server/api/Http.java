package dev.porte.server.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real HTTP client against a running server, for tests. */
final class Http {
  static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient client = HttpClient.newHttpClient();
  private final URI base;

  Http(URI base) {
    this.base = base;
  }

  /** An answer: status, content type and body, with the body parsed when it is JSON. */
  record Answer(int status, String contentType, String body) {
    JsonNode json() {
      return JSON.readTree(body);
    }

    /** {@code error.code} of an error body. */
    String errorCode() {
      return json().get("error").get("code").asString();
    }

    String errorMessage() {
      return json().get("error").get("message").asString();
    }
  }

  Answer get(String path) throws Exception {
    return send("GET", path, null, Map.of());
  }

  Answer get(String path, Map<String, String> headers) throws Exception {
    return send("GET", path, null, headers);
  }

  Answer post(String path, @Nullable String body, Map<String, String> headers) throws Exception {
    return send("POST", path, body, headers);
  }

  Answer send(String method, String path, @Nullable String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach(request::header);
    HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
  }

  /** A JSON object of string fields. */
  static String json(Map<String, String> fields) {
    return JSON.writeValueAsString(fields);
  }
}
