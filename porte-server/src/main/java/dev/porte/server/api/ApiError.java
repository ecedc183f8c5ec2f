package dev.porte.server.api;

import dev.porte.core.error.PorteException;
import dev.porte.core.model.SourceLocation;
import dev.porte.core.policy.PolicyException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of every error answer: {@code {"error": {"code": "...", "message": "...", "line": 3,
 * "column": 12}}}; line and column only for a policy error. Codes are {@link
 * dev.porte.core.error.ErrorCode} names (plus {@code INTERNAL}), stable for scripts.
 */
record ApiError(int status, String code, String message, int line, int column) {
  static ApiError of(PorteException e) {
    if (e instanceof PolicyException) {
      SourceLocation at = ((PolicyException) e).location();
      return new ApiError(e.code().httpStatus(), e.code().name(), e.getMessage(), at.line(), at.column());
    }
    return new ApiError(e.code().httpStatus(), e.code().name(), e.getMessage(), 0, 0);
  }

  Map<String, Object> body() {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    if (line > 0) {
      error.put("line", line);
      error.put("column", column);
    }
    return Map.of("error", error);
  }
}
