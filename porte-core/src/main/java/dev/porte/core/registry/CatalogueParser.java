package dev.porte.core.registry;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.PortRange;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads porte's service catalogue from YAML and checks it, entry by entry, as it goes: the first
 * bad entry stops the read with its name, its line and what would be valid.
 *
 * <pre>
 * ssh:    { ports: [22/tcp], kind: admin }
 * domain: { ports: [53/tcp, 53/udp], aliases: [dns] }
 * </pre>
 *
 * <p>It walks the YAML tokens itself rather than binding to classes, because binding loses the
 * line of the value that is wrong. Stateless; safe to call from any thread.
 */
final class CatalogueParser {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  private final String source;
  private final JsonParser parser;
  /** Every name and alias read so far, with the service that holds it... */
  private final Map<String, String> names = new HashMap<>();
  /** ...and the line where it was read. */
  private final Map<String, Integer> nameLines = new HashMap<>();
  /** Every (protocol, port) claimed so far, with the service that claims it. */
  private final Map<Integer, String> claimed = new HashMap<>();

  private CatalogueParser(String source, JsonParser parser) {
    this.source = source;
    this.parser = parser;
  }

  static List<CatalogueService> parse(Reader yaml, String source) {
    try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), yaml)) {
      return new CatalogueParser(source, parser).services();
    } catch (JacksonException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new PorteException(
          ErrorCode.SYNTAX,
          source + (line > 0 ? " line " + line : "") + ": not valid YAML: "
              + e.getOriginalMessage(),
          e);
    }
  }

  private List<CatalogueService> services() {
    JsonToken token = parser.nextToken();
    if (token != JsonToken.START_OBJECT) {
      throw error(
          line(), "expected a mapping of service names, found " + describe(token)
              + " (write e.g. ssh: { ports: [22/tcp] })");
    }
    List<CatalogueService> services = new ArrayList<>();
    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
      services.add(service(parser.currentName(), line()));
    }
    if (services.isEmpty()) {
      throw error(line(), "the catalogue names no services");
    }
    return List.copyOf(services);
  }

  private CatalogueService service(String name, int line) {
    String where = "service '" + name + "'";
    checkName(name, where, line);
    claimName(name, name, line);
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw error(
          line, where + ": expected { ports: [...] }, found " + describe(parser.currentToken()));
    }
    List<PortSpec> ports = null;
    Set<String> aliases = new LinkedHashSet<>();
    CatalogueService.Kind kind = CatalogueService.Kind.GENERAL;
    Set<String> keys = new LinkedHashSet<>();
    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
      String key = parser.currentName();
      int keyLine = line();
      if (!keys.add(key)) {
        throw new PorteException(
            ErrorCode.DUPLICATE, at(keyLine) + where + ": '" + key + "' is given twice");
      }
      switch (key) {
        case "ports":
          ports = ports(name, where);
          break;
        case "aliases":
          for (String alias : strings(where + ": aliases")) {
            checkName(alias, where + ": alias '" + alias + "'", line());
            claimName(alias, name, line());
            aliases.add(alias);
          }
          break;
        case "kind":
          kind = kind(where);
          break;
        default:
          throw new PorteException(
              ErrorCode.UNKNOWN_KEY,
              at(keyLine) + where + ": unknown key '" + key + "' (valid: ports, aliases, kind)");
      }
    }
    if (ports == null || ports.isEmpty()) {
      throw error(line, where + ": no ports (write e.g. " + name + ": { ports: [8080/tcp] })");
    }
    return new CatalogueService(name, ports, aliases, kind);
  }

  private List<PortSpec> ports(String name, String where) {
    List<PortSpec> ports = new ArrayList<>();
    if (parser.nextToken() != JsonToken.START_ARRAY) {
      throw error(
          line(), where + ": ports must be a list such as [80/tcp], found "
              + describe(parser.currentToken()));
    }
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      int line = line();
      if (token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NUMBER_INT) {
        throw error(line, where + ": a port must be PORT/PROTO such as 80/tcp, found "
            + describe(token));
      }
      PortSpec spec = portSpec(parser.getString(), where, line);
      for (int port = spec.range().lo(); port <= spec.range().hi(); port++) {
        String other = claimed.putIfAbsent(key(spec.protocol(), port), name);
        if (other != null) {
          throw new PorteException(
              ErrorCode.DUPLICATE,
              at(line) + where + ": " + port + "/" + spec.protocol() + " already belongs to '"
                  + other + "' (a port has one service in the catalogue)");
        }
      }
      ports.add(spec);
    }
    return ports;
  }

  /** {@code "22/tcp"}, {@code "2379-2380/tcp"}: the catalogue always says which protocol. */
  private PortSpec portSpec(String text, String where, int line) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw error(
          line, where + ": port '" + text + "' has no protocol (write " + text + "/tcp or "
              + text + "/udp)");
    }
    String protocol = text.substring(slash + 1);
    if (!protocol.equals("tcp") && !protocol.equals("udp")) {
      throw new PorteException(
          ErrorCode.INVALID_PROTOCOL,
          at(line) + where + ": bad protocol '" + protocol + "' in '" + text
              + "' (valid: tcp or udp)");
    }
    try {
      return new PortSpec(Protocol.parse(protocol), PortRange.parse(text.substring(0, slash)));
    } catch (PorteException e) {
      throw new PorteException(
          e.code(), at(line) + where + ": bad port '" + text + "': " + e.getMessage(), e);
    }
  }

  private List<String> strings(String what) {
    if (parser.nextToken() != JsonToken.START_ARRAY) {
      throw error(line(), what + " must be a list such as [dns], found "
          + describe(parser.currentToken()));
    }
    List<String> values = new ArrayList<>();
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token != JsonToken.VALUE_STRING) {
        throw error(line(), what + ": expected a name, found " + describe(token));
      }
      values.add(parser.getString());
    }
    return values;
  }

  private CatalogueService.Kind kind(String where) {
    JsonToken token = parser.nextToken();
    if (token == JsonToken.VALUE_STRING) {
      switch (parser.getString()) {
        case "admin":
          return CatalogueService.Kind.ADMIN;
        case "database":
          return CatalogueService.Kind.DATABASE;
        default:
          break;
      }
    }
    String found = describe(token);
    throw error(line(), where + ": unknown kind " + found + " (valid: admin, database, or no kind)");
  }

  private void checkName(String name, String where, int line) {
    boolean ok = !name.isEmpty() && Character.isLetterOrDigit(name.charAt(0));
    for (int i = 0; i < name.length() && ok; i++) {
      char c = name.charAt(i);
      ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    }
    if (!ok) {
      throw error(
          line, where + ": bad name (valid: lower-case letters, digits, '-', '_' and '.', e.g. "
              + name.toLowerCase(Locale.ROOT).strip().replace(' ', '-') + ")");
    }
  }

  private void claimName(String nameOrAlias, String service, int line) {
    String holder = names.putIfAbsent(nameOrAlias, service);
    if (holder != null) {
      String as = holder.equals(nameOrAlias) ? "a service" : "an alias of '" + holder + "'";
      throw new PorteException(
          ErrorCode.DUPLICATE,
          at(line) + "service '" + service + "': the name '" + nameOrAlias + "' is already "
              + as + " (line " + nameLines.get(nameOrAlias) + ")");
    }
    nameLines.put(nameOrAlias, line);
  }

  static int key(Protocol protocol, int port) {
    return protocol.ordinal() << 16 | port;
  }

  private int line() {
    return parser.currentTokenLocation().getLineNr();
  }

  private String at(int line) {
    return source + " line " + line + ": ";
  }

  private PorteException error(int line, String message) {
    return new PorteException(ErrorCode.INVALID_VALUE, at(line) + message);
  }

  /** What the parser stands on, for "found ..." in errors: a scalar is quoted as written. */
  private String describe(@Nullable JsonToken token) {
    if (token == null) {
      return "the end of the file";
    }
    switch (token) {
      case START_OBJECT:
        return "a mapping";
      case START_ARRAY:
        return "a list";
      case VALUE_NULL:
        return "nothing";
      default:
        return token.isScalarValue() ? "'" + parser.getString() + "'" : token.toString();
    }
  }
}
