package dev.porte.core.policy;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.model.SourceLocation;
import dev.porte.core.registry.Spelling;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A YAML or JSON document as a small tree whose every node knows where it was written. Jackson's
 * own tree forgets locations, and a policy error without a line number is half an error.
 */
abstract class Doc {
  final SourceLocation at;

  Doc(SourceLocation at) {
    this.at = at;
  }

  abstract String kind();

  PolicyException error(ErrorCode code, String detail) {
    return new PolicyException(code, at, detail);
  }

  MapDoc asMap(String what) {
    if (this instanceof MapDoc) {
      return (MapDoc) this;
    }
    throw error(ErrorCode.INVALID_VALUE, what + " must be a map of keys and values, not " + describe());
  }

  ListDoc asList(String what) {
    if (this instanceof ListDoc) {
      return (ListDoc) this;
    }
    throw error(ErrorCode.INVALID_VALUE, what + " must be a list, not " + describe());
  }

  /** This node as a list: a list as it is, a single value as a list of one, null as empty. */
  List<Doc> items() {
    if (this instanceof ListDoc) {
      return ((ListDoc) this).items;
    }
    if (this instanceof Scalar && ((Scalar) this).isNull()) {
      return List.of();
    }
    return List.of(this);
  }

  Scalar asScalar(String what) {
    if (this instanceof Scalar) {
      return (Scalar) this;
    }
    throw error(ErrorCode.INVALID_VALUE, what + " must be a single value, not " + describe());
  }

  String describe() {
    return kind();
  }

  /** A scalar: string, number, boolean or null, with its text as written. */
  static final class Scalar extends Doc {
    enum Type {
      STRING,
      INTEGER,
      DECIMAL,
      BOOLEAN,
      NULL
    }

    final Type type;
    final String text;

    Scalar(SourceLocation at, Type type, String text) {
      super(at);
      this.type = type;
      this.text = text;
    }

    boolean isNull() {
      return type == Type.NULL;
    }

    @Override
    String kind() {
      return type == Type.NULL ? "an empty value" : "'" + text + "'";
    }
  }

  /** A list of nodes. */
  static final class ListDoc extends Doc {
    final List<Doc> items;

    ListDoc(SourceLocation at, List<Doc> items) {
      super(at);
      this.items = List.copyOf(items);
    }

    @Override
    String kind() {
      return "a list";
    }
  }

  /** A map whose keys are unique and keep their order and location. */
  static final class MapDoc extends Doc {
    private final Map<String, Doc> values;
    private final Map<String, SourceLocation> keyLocations;

    MapDoc(SourceLocation at, Map<String, Doc> values, Map<String, SourceLocation> keyLocations) {
      super(at);
      this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
      this.keyLocations = Map.copyOf(keyLocations);
    }

    @Override
    String kind() {
      return "a map";
    }

    Set<String> keys() {
      return values.keySet();
    }

    @Nullable Doc get(String key) {
      return values.get(key);
    }

    boolean has(String key) {
      return values.containsKey(key);
    }

    SourceLocation keyAt(String key) {
      return keyLocations.getOrDefault(key, at);
    }

    Map<String, Doc> entries() {
      return values;
    }

    /** Fails on the first key that is not one of {@code allowed}, naming the valid ones. */
    void onlyKeys(String where, List<String> allowed) {
      for (String key : values.keySet()) {
        if (!allowed.contains(key)) {
          List<String> close = Spelling.closest(key, allowed, 1);
          String hint = close.isEmpty() ? "" : "; did you mean " + close.get(0) + "?";
          throw new PolicyException(
              ErrorCode.UNKNOWN_KEY,
              keyAt(key),
              "unknown key '" + key + "' in " + where + " (valid: " + String.join(", ", allowed) + hint + ")");
        }
      }
    }
  }
}
