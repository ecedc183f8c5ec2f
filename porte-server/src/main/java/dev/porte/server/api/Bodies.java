package dev.porte.server.api;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Strict reading of request bodies: at most {@link #MAX_BYTES}, well-formed JSON, no field the
 * request type does not have. Every failure is a {@link PorteException} that says what was wrong.
 */
final class Bodies {
  /** 1 MiB: a policy of thousands of rules fits; anything bigger is a mistake or an attack. */
  static final int MAX_BYTES = 1 << 20;

  static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private Bodies() {}

  /**
   * How much of an oversized body is read and dropped before the 413 goes out. An answer sent
   * while the client is still uploading races the upload: closing a connection that holds unread
   * bytes resets it, and the client may lose the answer (Java's HttpClient then reports "header
   * parser received no bytes"). Up to this size the client finishes its upload and reads a clear
   * 413; a bigger one is refused unread, as reading it would let anyone make the server read
   * without end.
   */
  static final long DRAIN_LIMIT = 8L * MAX_BYTES;

  static <T> T read(Context ctx, Class<T> type) {
    long declared = ctx.contentLength();
    if (declared > MAX_BYTES) {
      if (declared <= DRAIN_LIMIT) {
        drain(ctx);
      }
      throw tooLarge(declared);
    }
    byte[] body = ctx.bodyAsBytes();
    if (body.length > MAX_BYTES) {
      throw tooLarge(body.length);
    }
    if (body.length == 0) {
      throw new PorteException(ErrorCode.MALFORMED_REQUEST, "the request has no body; expected a JSON object with " + fields(type));
    }
    try {
      return MAPPER.readValue(body, type);
    } catch (UnrecognizedPropertyException e) {
      throw new PorteException(
          ErrorCode.MALFORMED_REQUEST, "unknown field '" + e.getPropertyName() + "' (expected " + fields(type) + ")", e);
    } catch (StreamReadException e) {
      throw new PorteException(ErrorCode.MALFORMED_REQUEST, "malformed JSON: " + e.getOriginalMessage() + location(e), e);
    } catch (MismatchedInputException e) {
      throw new PorteException(
          ErrorCode.MALFORMED_REQUEST, "expected a JSON object with " + fields(type) + ": " + e.getOriginalMessage(), e);
    } catch (JacksonException e) {
      throw new PorteException(ErrorCode.MALFORMED_REQUEST, "unreadable JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A required string field: present and not blank. */
  static String required(String field, @org.jspecify.annotations.Nullable String value) {
    if (value == null || value.isBlank()) {
      throw new PorteException(ErrorCode.MALFORMED_REQUEST, "missing field '" + field + "'");
    }
    return value;
  }

  private static void drain(Context ctx) {
    try {
      ctx.req().getInputStream().transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // The client broke off its upload: nobody is left to read the answer anyway.
    }
  }

  private static PorteException tooLarge(long size) {
    return new PorteException(ErrorCode.TOO_LARGE, "request body of " + size + " bytes is over the limit of " + MAX_BYTES + " bytes (1 MiB)");
  }

  private static String location(StreamReadException e) {
    return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  private static String fields(Class<?> type) {
    if (!type.isRecord()) {
      return type.getSimpleName();
    }
    return java.util.Arrays.stream(type.getRecordComponents())
        .map(c -> "'" + c.getName() + "'")
        .collect(Collectors.joining(", "));
  }
}
