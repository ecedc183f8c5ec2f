package dev.porte.core.policy;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.model.SourceLocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads YAML or JSON text into a {@link Doc} tree through Jackson's streaming parser, keeping the
 * line and column of every key and value, and refusing duplicate keys where they are written.
 */
final class DocReader {
  /** Policies are small; a deeper nesting than this is a mistake or an attack, not a policy. */
  private static final int MAX_DEPTH = 64;

  /**
   * The largest policy text read, in characters: 100,000 rules take about 5 MiB, so this leaves
   * room for comments and bigger rules while a runaway file still fails fast. Both parsers get it:
   * Jackson's own document limit and the YAML engine's code-point limit (3 MiB unless told).
   */
  static final int MAX_CHARS = 64 << 20;

  private static final StreamReadConstraints LIMITS =
      StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxStringLength(1 << 20)
          .maxNumberLength(64)
          .maxDocumentLength(MAX_CHARS)
          .build();

  private static final YAMLFactory YAML = YAMLFactory.builder()
      .streamReadConstraints(LIMITS)
      // Duplicate keys are ours to report, with both lines; the engine would only name the second.
      .loadSettings(LoadSettings.builder().setCodePointLimit(MAX_CHARS).setAllowDuplicateKeys(true).build())
      .build();
  private static final JsonFactory JSON = JsonFactory.builder().streamReadConstraints(LIMITS).build();

  enum Format {
    YAML,
    JSON
  }

  private final String file;
  private final Format format;

  private DocReader(String file, Format format) {
    this.file = file;
    this.format = format;
  }

  /** JSON when the file name ends in .json or the text starts with '{'; YAML otherwise. */
  static Format detect(String file, String text) {
    if (file.endsWith(".json")) {
      return Format.JSON;
    }
    return text.stripLeading().startsWith("{") ? Format.JSON : Format.YAML;
  }

  /** The document's root, or null-scalar for an empty document. */
  static Doc read(String text, String file, Format format) {
    checkSize(text.length(), file);
    return new DocReader(file, format).readAll(text);
  }

  /** Refuses a policy over {@link #MAX_CHARS} with one line that says how big it is and the limit. */
  static void checkSize(long size, String file) {
    if (size > MAX_CHARS) {
      throw new PolicyException(ErrorCode.TOO_LARGE, new SourceLocation(file, 1, 1), String.format(java.util.Locale.ROOT,
          "policy is %.1f MiB, over the limit of %d MiB (group addresses and merge port ranges to shorten it)",
          size / 1048576.0, MAX_CHARS >> 20));
    }
  }

  private Doc readAll(String text) {
    try (JsonParser parser =
        format == Format.JSON
            ? JSON.createParser(ObjectReadContext.empty(), text)
            : YAML.createParser(ObjectReadContext.empty(), text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return new Doc.Scalar(new SourceLocation(file, 1, 1), Doc.Scalar.Type.NULL, "");
      }
      Doc root = readValue(parser, first, 0);
      JsonToken after = parser.nextToken();
      if (after != null) {
        throw new PolicyException(
            ErrorCode.SYNTAX,
            here(parser),
            "more than one document in the file (a policy is one "
                + (format == Format.JSON ? "JSON object" : "YAML document") + ")");
      }
      return root;
    } catch (JacksonException e) {
      throw syntaxError(e);
    } catch (RuntimeException e) {
      if (e instanceof PolicyException) {
        throw e;
      }
      // The YAML engine underneath reports some malformed input with its own exceptions.
      throw new PolicyException(
          ErrorCode.SYNTAX, new SourceLocation(file, 1, 1), syntaxWord() + " syntax error: " + firstLine(e.getMessage()), e);
    } catch (StackOverflowError e) {
      throw new PolicyException(
          ErrorCode.SYNTAX, new SourceLocation(file, 1, 1), syntaxWord() + " nested too deeply (at most " + MAX_DEPTH + " levels)");
    }
  }

  private Doc readValue(JsonParser parser, JsonToken token, int depth) {
    SourceLocation at = here(parser);
    if (depth > MAX_DEPTH) {
      throw new PolicyException(ErrorCode.SYNTAX, at, "nested too deeply (at most " + MAX_DEPTH + " levels)");
    }
    switch (token) {
      case START_OBJECT:
        return readMap(parser, at, depth);
      case START_ARRAY:
        List<Doc> items = new ArrayList<>();
        for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
          items.add(readValue(parser, require(parser, next), depth + 1));
        }
        return new Doc.ListDoc(at, items);
      case VALUE_STRING:
        return new Doc.Scalar(at, Doc.Scalar.Type.STRING, parser.getString());
      case VALUE_NUMBER_INT:
        return new Doc.Scalar(at, Doc.Scalar.Type.INTEGER, parser.getString());
      case VALUE_NUMBER_FLOAT:
        return new Doc.Scalar(at, Doc.Scalar.Type.DECIMAL, parser.getString());
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new Doc.Scalar(at, Doc.Scalar.Type.BOOLEAN, token == JsonToken.VALUE_TRUE ? "true" : "false");
      case VALUE_NULL:
        return new Doc.Scalar(at, Doc.Scalar.Type.NULL, "");
      default:
        throw new PolicyException(ErrorCode.SYNTAX, at, "unexpected " + token + " in a policy (only maps, lists, strings, numbers and booleans)");
    }
  }

  private Doc readMap(JsonParser parser, SourceLocation at, int depth) {
    Map<String, Doc> values = new LinkedHashMap<>();
    Map<String, SourceLocation> keyLocations = new LinkedHashMap<>();
    for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
      require(parser, next);
      if (next != JsonToken.PROPERTY_NAME) {
        throw new PolicyException(ErrorCode.SYNTAX, here(parser), "expected a key, found " + next);
      }
      String key = parser.currentName();
      SourceLocation keyAt = here(parser);
      if (values.containsKey(key)) {
        throw new PolicyException(
            ErrorCode.DUPLICATE,
            keyAt,
            "duplicate key '" + key + "' (first written at line " + keyLocations.get(key).line() + "; each key once)");
      }
      Doc value = readValue(parser, require(parser, parser.nextToken()), depth + 1);
      values.put(key, value);
      keyLocations.put(key, keyAt);
    }
    return new Doc.MapDoc(at, values, keyLocations);
  }

  private JsonToken require(JsonParser parser, JsonToken token) {
    if (token == null) {
      throw new PolicyException(ErrorCode.SYNTAX, here(parser), "the document ends in the middle of a value");
    }
    return token;
  }

  private SourceLocation here(JsonParser parser) {
    TokenStreamLocation location = parser.currentTokenLocation();
    return new SourceLocation(file, Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
  }

  private PolicyException syntaxError(JacksonException e) {
    // The YAML engine knows the problem and where it is; Jackson's own message leads with context.
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof MarkedYamlEngineException) {
        MarkedYamlEngineException marked = (MarkedYamlEngineException) cause;
        Optional<Mark> mark = marked.getProblemMark().or(marked::getContextMark);
        if (mark.isPresent() && marked.getProblem() != null) {
          SourceLocation at = new SourceLocation(file, mark.get().getLine() + 1, mark.get().getColumn() + 1);
          String context = marked.getContext() == null ? "" : marked.getContext() + ": ";
          return new PolicyException(ErrorCode.SYNTAX, at, "YAML syntax error: " + firstLine(context + marked.getProblem()), e);
        }
      }
    }
    TokenStreamLocation location = e.getLocation();
    SourceLocation at =
        location == null
            ? new SourceLocation(file, 1, 1)
            : new SourceLocation(file, Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
    return new PolicyException(ErrorCode.SYNTAX, at, syntaxWord() + " syntax error: " + firstLine(e.getOriginalMessage()), e);
  }

  private String syntaxWord() {
    return format == Format.JSON ? "JSON" : "YAML";
  }

  private static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "unreadable input";
    }
    String line = message.strip().lines().findFirst().orElse(message).strip();
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}
