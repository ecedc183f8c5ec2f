package dev.porte.core.policy;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.Action;
import dev.porte.core.model.Cidr;
import dev.porte.core.model.Direction;
import dev.porte.core.model.DurationText;
import dev.porte.core.model.Policy;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.ProxyHeader;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ReplyMode;
import dev.porte.core.model.Rule;
import dev.porte.core.model.ServiceBinding;
import dev.porte.core.model.SourceLocation;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a policy file (YAML, or JSON) into a {@link Policy}. Either the whole file is valid and a
 * whole policy comes back, or a {@link PolicyException} names the first problem with its file,
 * line and column: nothing is ever half-loaded.
 *
 * <pre>
 * defaults: { inbound: deny, outbound: allow }
 * replies: filtered
 * groups: { office: [203.0.113.0/24] }
 * inbound:
 *   - allow: ssh
 *     from: office
 * </pre>
 *
 * <p>Thread-safe: a parser holds only its service resolver.
 */
public final class PolicyParser {
  private static final List<String> TOP_KEYS = List.of("defaults", "replies", "groups", "inbound", "outbound", "services");
  private static final List<String> DEFAULT_KEYS = List.of("inbound", "outbound");
  private static final List<String> SERVICE_KEYS =
      List.of("to", "proto", "proxy", "idle", "max_connections", "connect_timeout", "retries", "name");
  private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,62}");
  private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,62}(/[A-Za-z0-9]+)?");
  private static final Pattern HOST_NAME =
      Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Set<String> EVERYWHERE = Set.of("any", "anywhere", "all");
  private static final Set<String> EVERY_PORT = Set.of("any", "all", "*");
  static final int MAX_PRIORITY = 1_000_000;

  private final ServiceResolver services;

  public PolicyParser(ServiceResolver services) {
    this.services = services;
  }

  /** Reads and parses a file; an unreadable file is an IO error that names it. */
  public Policy load(Path path) {
    String name = path.toString();
    byte[] bytes;
    try {
      // Checked before reading: a runaway file is refused without filling the memory first.
      DocReader.checkSize(Files.size(path), name);
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new PorteException(ErrorCode.IO, "policy file not found: " + name, e);
    } catch (IOException e) {
      throw new PorteException(ErrorCode.IO, "cannot read policy file " + name + ": " + e.getMessage(), e);
    }
    return parse(decode(bytes, name), name);
  }

  private static String decode(byte[] bytes, String name) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new PolicyException(ErrorCode.SYNTAX, new SourceLocation(name, 1, 1), "not UTF-8 text (a policy file is UTF-8)", e);
    }
  }

  /** Parses policy text; {@code file} names it in errors and in {@link Policy#source()}. */
  public Policy parse(String text, String file) {
    Doc root = DocReader.read(text, file, DocReader.detect(file, text));
    Policy.Builder policy = Policy.builder().source(file);
    if (root instanceof Doc.Scalar && ((Doc.Scalar) root).isNull()) {
      return policy.build();
    }
    Doc.MapDoc top = root.asMap("a policy");
    top.onlyKeys("the policy", TOP_KEYS);
    Doc defaults = top.get("defaults");
    if (defaults != null) {
      readDefaults(defaults, policy);
    }
    Doc replies = top.get("replies");
    if (replies != null) {
      policy.replies(wrap(replies, () -> ReplyMode.parse(word(replies, "replies"))));
    }
    Doc groupsDoc = top.get("groups");
    Map<String, List<Cidr>> groups = groupsDoc == null ? Map.of() : readGroups(groupsDoc);
    groups.forEach(policy::group);
    for (Direction direction : Direction.values()) {
      Doc rules = top.get(direction.toString());
      if (rules != null) {
        for (Doc item : rules.items()) {
          policy.rule(new RuleReader(direction, groups).read(item));
        }
      }
    }
    Doc servicesDoc = top.get("services");
    if (servicesDoc != null) {
      readServices(servicesDoc).forEach(policy::service);
    }
    return policy.build();
  }

  private static void readDefaults(Doc doc, Policy.Builder policy) {
    Doc.MapDoc map = doc.asMap("defaults");
    map.onlyKeys("defaults", DEFAULT_KEYS);
    for (Map.Entry<String, Doc> entry : map.entries().entrySet()) {
      Doc value = entry.getValue();
      Action action = wrap(value, () -> Action.parse(word(value, "defaults." + entry.getKey())));
      policy.defaultAction(Direction.parse(entry.getKey()), action);
    }
  }

  private static Map<String, List<Cidr>> readGroups(Doc doc) {
    Map<String, List<Cidr>> groups = new java.util.LinkedHashMap<>();
    Doc.MapDoc map = doc.asMap("groups");
    for (Map.Entry<String, Doc> entry : map.entries().entrySet()) {
      String name = entry.getKey();
      SourceLocation at = map.keyAt(name);
      if (!GROUP_NAME.matcher(name).matches() || EVERYWHERE.contains(name.toLowerCase(Locale.ROOT))) {
        throw new PolicyException(
            ErrorCode.INVALID_VALUE,
            at,
            "bad group name '" + name + "' (valid: a letter, then letters, digits, '_', '-', '.'; not any/anywhere/all)");
      }
      List<Doc> items = entry.getValue().items();
      if (items.isEmpty()) {
        // An empty list of remotes means "anywhere" in a rule; an empty group must never become that.
        throw new PolicyException(
            ErrorCode.INVALID_VALUE, at, "group '" + name + "' is empty (a group needs at least one address or network)");
      }
      Set<Cidr> cidrs = new LinkedHashSet<>();
      for (Doc item : items) {
        String text = scalarText(item, "an entry of group '" + name + "'");
        cidrs.add(wrap(item, () -> Cidr.parse(text)));
      }
      groups.put(name, List.copyOf(cidrs));
    }
    return groups;
  }

  private List<ServiceBinding> readServices(Doc doc) {
    List<ServiceBinding> bindings = new ArrayList<>();
    Doc.MapDoc map = doc.asMap("services");
    Map<String, SourceLocation> seen = new java.util.HashMap<>();
    for (Map.Entry<String, Doc> entry : map.entries().entrySet()) {
      String key = entry.getKey();
      SourceLocation at = map.keyAt(key);
      Doc value = entry.getValue();
      String target;
      Set<Protocol> protocols = null;
      ProxyHeader proxy = ProxyHeader.NONE;
      Doc proxyDoc = null;
      Duration idle = null;
      Integer maxConnections = null;
      Doc maxDoc = null;
      Duration connectTimeout = null;
      Integer retries = null;
      Doc tcpOnlyDoc = null; // the first key that only a TCP service may have
      if (value instanceof Doc.MapDoc) {
        Doc.MapDoc spec = (Doc.MapDoc) value;
        spec.onlyKeys("service " + key, SERVICE_KEYS);
        Doc to = spec.get("to");
        if (to == null) {
          throw new PolicyException(ErrorCode.INVALID_VALUE, value.at, "service " + key + " has no 'to' (write to: HOST:PORT, e.g. to: 127.0.0.1:8080)");
        }
        target = scalarText(to, "service " + key + " 'to'");
        Doc proto = spec.get("proto");
        if (proto != null) {
          protocols = new LinkedHashSet<>();
          for (Doc item : proto.items()) {
            Protocol p = wrap(item, () -> Protocol.parse(word(item, "proto")));
            if (!p.hasPorts()) {
              throw new PolicyException(ErrorCode.INVALID_PROTOCOL, item.at, "a service is served over tcp or udp, not " + p + " (valid: tcp, udp)");
            }
            protocols.add(p);
          }
        }
        proxyDoc = spec.get("proxy");
        if (proxyDoc != null) {
          Doc header = proxyDoc;
          proxy = wrap(header, () -> ProxyHeader.parse(word(header, "proxy")));
        }
        Doc idleDoc = spec.get("idle");
        if (idleDoc != null) {
          String what = "service " + key + " idle";
          idle = wrap(idleDoc, () -> DurationText.parse(what, word(idleDoc, what), ServiceBinding.MIN_IDLE, ServiceBinding.MAX_IDLE));
        }
        maxDoc = spec.get("max_connections");
        if (maxDoc != null) {
          maxConnections = readWholeNumber(key, "max_connections", maxDoc, 1, ServiceBinding.MAX_CONNECTIONS);
        }
        Doc timeoutDoc = spec.get("connect_timeout");
        if (timeoutDoc != null) {
          String what = "service " + key + " connect_timeout";
          connectTimeout = wrap(timeoutDoc, () -> DurationText.parse(what, word(timeoutDoc, what),
              ServiceBinding.MIN_CONNECT_TIMEOUT, ServiceBinding.MAX_CONNECT_TIMEOUT));
        }
        Doc retriesDoc = spec.get("retries");
        if (retriesDoc != null) {
          retries = readWholeNumber(key, "retries", retriesDoc, 0, ServiceBinding.MAX_RETRIES);
        }
        tcpOnlyDoc = timeoutDoc != null ? timeoutDoc : retriesDoc;
        value = to;
      } else {
        target = scalarText(value, "service " + key);
      }
      List<PortSpec> ports = servicePorts(key, at);
      HostPort backend = parseBackend(target, value.at);
      Map<Integer, Set<Protocol>> byPort = new java.util.LinkedHashMap<>();
      for (PortSpec port : ports) {
        byPort.computeIfAbsent(port.range().lo(), p -> new LinkedHashSet<>()).add(port.protocol());
      }
      for (Map.Entry<Integer, Set<Protocol>> listen : byPort.entrySet()) {
        Set<Protocol> served = protocols != null ? protocols : listen.getValue();
        if (proxy != ProxyHeader.NONE && served.contains(Protocol.UDP)) {
          throw new PolicyException(ErrorCode.INVALID_VALUE, proxyDoc.at, "service " + key + " is served over udp, and the "
              + "PROXY protocol header is for tcp only (give the udp side a service entry of its own, e.g. '" + listen.getKey()
              + "/udp: { to: ... }')");
        }
        if (maxConnections != null && !served.contains(Protocol.TCP)) {
          throw new PolicyException(ErrorCode.INVALID_VALUE, maxDoc.at, "service " + key + " is served over udp only, and "
              + "max_connections caps TCP connections (UDP sessions are capped by --max-udp-sessions and --max-per-source)");
        }
        if (tcpOnlyDoc != null && !served.contains(Protocol.TCP)) {
          throw new PolicyException(ErrorCode.INVALID_VALUE, tcpOnlyDoc.at, "service " + key + " is served over udp only, "
              + "and connect_timeout and retries are for dialling a TCP backend (UDP has no connection to open)");
        }
        for (Protocol protocol : served) {
          String id = listen.getKey() + "/" + protocol;
          if (seen.containsKey(id)) {
            throw new PolicyException(
                ErrorCode.DUPLICATE, at, "service for " + id + " is defined twice (first at line " + seen.get(id).line() + ")");
          }
          seen.put(id, at);
        }
        bindings.add(new ServiceBinding(listen.getKey(), served, backend.host, backend.port, proxy, idle, maxConnections,
            connectTimeout, retries, at));
      }
    }
    return bindings;
  }

  /** A service's {@code max_connections} or {@code retries}: a whole number from {@code min} to {@code max}. */
  private static int readWholeNumber(String service, String name, Doc doc, int min, int max) {
    String text = scalarText(doc, "service " + service + " " + name);
    long value = text.matches("[0-9]{1,9}") ? Long.parseLong(text) : -1;
    if (value < min || value > max) {
      throw new PolicyException(ErrorCode.INVALID_VALUE, doc.at, "service " + service + " " + name + " must be a whole "
          + "number in " + min + "-" + max + ": '" + text + "'");
    }
    return (int) value;
  }

  private List<PortSpec> servicePorts(String key, SourceLocation at) {
    try {
      List<PortSpec> specs = new ArrayList<>();
      for (PortSpec spec : PortSpecs.parse(key, services)) {
        if (spec.protocol() == Protocol.ICMP || spec.range().size() != 1) {
          throw new PolicyException(
              ErrorCode.INVALID_PORT, at, "a service listens on one port: '" + key + "' (valid: 80, 53/udp or a service name)");
        }
        if (spec.range().lo() == 0) {
          // Listening on 0 means "any free port" to the kernel, and no client can dial port 0.
          throw new PolicyException(ErrorCode.INVALID_PORT, at, "a service cannot listen on port 0: '" + key
              + "' (valid: 1-65535; binding 0 takes a random free port and no client can connect to 0)");
        }
        // A bare number listens on TCP only unless the service says proto: udp.
        if (!specs.isEmpty() && Character.isDigit(key.charAt(0)) && key.indexOf('/') < 0) {
          continue;
        }
        specs.add(spec);
      }
      return specs;
    } catch (PolicyException e) {
      throw e;
    } catch (PorteException e) {
      throw PolicyException.at(at, e);
    }
  }

  private static HostPort parseBackend(String text, SourceLocation at) {
    String host;
    String portText;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw badBackend(text, at);
      }
      host = text.substring(1, close);
      portText = text.substring(close + 2);
      wrapAt(at, () -> dev.porte.core.model.IpAddress.parse(host));
    } else {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || text.indexOf(':') != colon) {
        throw badBackend(text, at);
      }
      host = text.substring(0, colon);
      portText = text.substring(colon + 1);
      if (!HOST_NAME.matcher(host).matches()) {
        throw badBackend(text, at);
      }
      if (host.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
        wrapAt(at, () -> dev.porte.core.model.IpAddress.parse(host));
      }
    }
    return new HostPort(host, backendPort(portText, text, at));
  }

  /** A backend's port: a number a client can dial, 1-65535 (0 is no port to connect to). */
  private static int backendPort(String portText, String text, SourceLocation at) {
    int port = portText.matches("\\d{1,5}") ? Integer.parseInt(portText) : -1;
    if (port < 1 || port > 65535) {
      throw new PolicyException(ErrorCode.INVALID_PORT, at,
          "backend port '" + portText + "' in '" + text + "' (valid: 1-65535)");
    }
    return port;
  }

  private static PolicyException badBackend(String text, SourceLocation at) {
    return new PolicyException(
        ErrorCode.INVALID_ADDRESS, at, "bad backend '" + text + "' (valid: HOST:PORT such as 127.0.0.1:8080, [::1]:8080 or localhost:8080)");
  }

  private static final class HostPort {
    final String host;
    final int port;

    HostPort(String host, int port) {
      this.host = host;
      this.port = port;
    }
  }

  /** Reads one rule of one direction. */
  private final class RuleReader {
    private final Direction direction;
    private final Map<String, List<Cidr>> groups;

    RuleReader(Direction direction, Map<String, List<Cidr>> groups) {
      this.direction = direction;
      this.groups = groups;
    }

    Rule read(Doc doc) {
      String where = "an " + direction + " rule";
      Doc.MapDoc map = doc.asMap(where + " (write e.g. '- allow: 443/tcp')");
      String remoteKey = direction.remoteWord();
      String otherKey = direction.opposite().remoteWord();
      if (map.has(otherKey)) {
        throw new PolicyException(
            ErrorCode.UNKNOWN_KEY,
            map.keyAt(otherKey),
            direction + " rules name the remote side with '" + remoteKey + "', not '" + otherKey + "'");
      }
      map.onlyKeys(where, List.of("allow", "deny", "reject", remoteKey, "proto", "priority", "comment", "enabled", "log"));
      List<String> actions = new ArrayList<>();
      for (String key : List.of("allow", "deny", "reject")) {
        if (map.has(key)) {
          actions.add(key);
        }
      }
      if (actions.size() != 1) {
        throw new PolicyException(
            ErrorCode.INVALID_VALUE,
            actions.isEmpty() ? doc.at : map.keyAt(actions.get(1)),
            actions.isEmpty()
                ? where + " needs one of allow, deny, reject (e.g. '- allow: 443/tcp')"
                : where + " has more than one action (" + String.join(", ", actions) + "); write one rule per action");
      }
      String actionKey = actions.get(0);
      Rule.Builder rule = Rule.builder().direction(direction).action(Action.parse(actionKey)).location(map.keyAt(actionKey));

      Protocol only = Protocol.ANY;
      Doc proto = map.get("proto");
      if (proto != null) {
        only = wrap(proto, () -> Protocol.parse(word(proto, "proto")));
      }
      readPorts(map.get(actionKey), map.keyAt(actionKey), only, rule);

      Doc remote = map.get(remoteKey);
      if (remote != null) {
        readRemotes(remote, rule);
      }
      Doc priority = map.get("priority");
      if (priority != null) {
        rule.priority(readPriority(priority));
      }
      Doc comment = map.get("comment");
      if (comment != null && !(comment instanceof Doc.Scalar && ((Doc.Scalar) comment).isNull())) {
        rule.comment(scalarText(comment, "comment"));
      }
      Doc enabled = map.get("enabled");
      if (enabled != null) {
        rule.enabled(bool(enabled, "enabled"));
      }
      Doc log = map.get("log");
      if (log != null) {
        rule.log(bool(log, "log"));
      }
      return rule.build();
    }

    private void readPorts(Doc value, SourceLocation keyAt, Protocol only, Rule.Builder rule) {
      List<Doc> items = value.items();
      List<String> written = new ArrayList<>();
      List<PortSpec> specs = new ArrayList<>();
      boolean everyPort = items.isEmpty();
      for (Doc item : items) {
        String text = scalarText(item, "a port");
        written.add(text);
        if (EVERY_PORT.contains(text.toLowerCase(Locale.ROOT))) {
          if (items.size() > 1) {
            throw new PolicyException(
                ErrorCode.INVALID_PORT, item.at, "'" + text + "' means every port and cannot be listed with other ports");
          }
          everyPort = true;
          continue;
        }
        List<PortSpec> kept = new ArrayList<>();
        for (PortSpec spec : wrap(item, () -> PortSpecs.parse(text, services))) {
          PortSpec narrowed = restrict(spec, only, text, item.at);
          if (narrowed != null) {
            kept.add(narrowed);
          }
        }
        if (kept.isEmpty() && only.hasPorts() && !Character.isDigit(text.charAt(0))) {
          // "http" with proto: udp means http/udp, even though http alone is TCP only.
          Protocol narrow = only;
          kept.addAll(wrap(item, () -> services.resolve(text + "/" + narrow)));
        }
        specs.addAll(kept);
      }
      if (everyPort) {
        if (only == Protocol.ANY) {
          return; // the builder's default: every port of every protocol
        }
        rule.ports(List.of(PortSpec.all(only)), "any " + only);
        return;
      }
      List<PortSpec> distinct = List.copyOf(new LinkedHashSet<>(specs));
      if (distinct.isEmpty()) {
        throw new PolicyException(ErrorCode.INVALID_PORT, keyAt, "no port left after proto: " + only + " (the ports and the protocol disagree)");
      }
      String text = written.size() == 1 ? written.get(0) : String.join(", ", written);
      if (only != Protocol.ANY) {
        text = text + " (" + only + ")";
      }
      rule.ports(distinct, text);
    }

    private PortSpec restrict(PortSpec spec, Protocol only, String text, SourceLocation at) {
      if (only == Protocol.ANY || spec.protocol() == only) {
        return spec;
      }
      if (only == Protocol.ICMP) {
        throw new PolicyException(ErrorCode.INVALID_PORT, at, "icmp has no ports: '" + text + "' with proto: icmp (drop the ports, or the proto)");
      }
      if (PortSpecs.namesProtocol(text)) {
        throw new PolicyException(
            ErrorCode.INVALID_PROTOCOL, at, "'" + text + "' contradicts proto: " + only + " (write " + PortSpecs.stripProtocol(text) + "/" + only + ")");
      }
      // A bare number or a name means several protocols; proto: narrows it to one.
      return null;
    }

    private void readRemotes(Doc value, Rule.Builder rule) {
      List<Doc> items = value.items();
      if (items.isEmpty()) {
        throw new PolicyException(
            ErrorCode.INVALID_ADDRESS,
            value.at,
            "'" + direction.remoteWord() + "' is empty (write an address, a network, a group, or 'any'; leave the key out for anywhere)");
      }
      Set<Cidr> cidrs = new LinkedHashSet<>();
      List<String> written = new ArrayList<>();
      boolean anywhere = false;
      for (Doc item : items) {
        String text = scalarText(item, "an address");
        written.add(text);
        if (EVERYWHERE.contains(text.toLowerCase(Locale.ROOT))) {
          anywhere = true;
          continue;
        }
        if (GROUP_NAME.matcher(text).matches() && !looksLikeAddress(text)) {
          List<Cidr> group = groups.get(text);
          if (group == null) {
            throw new PolicyException(
                ErrorCode.UNKNOWN_GROUP,
                item.at,
                "unknown group '" + text + "' (" + (groups.isEmpty() ? "no groups are defined; add it under groups:" : "defined groups: " + String.join(", ", groups.keySet())) + ")");
          }
          cidrs.addAll(group);
          continue;
        }
        cidrs.add(wrap(item, () -> Cidr.parse(text)));
      }
      if (anywhere && items.size() > 1) {
        throw new PolicyException(ErrorCode.INVALID_ADDRESS, value.at, "'any' means every address and cannot be listed with others");
      }
      if (anywhere) {
        return;
      }
      rule.remotes(List.copyOf(cidrs), written.size() == 1 ? written.get(0) : String.join(", ", written));
    }

    private int readPriority(Doc doc) {
      Doc.Scalar scalar = doc.asScalar("priority");
      if (scalar.type != Doc.Scalar.Type.INTEGER && !(scalar.type == Doc.Scalar.Type.STRING && scalar.text.matches("[0-9]{1,7}"))) {
        throw new PolicyException(ErrorCode.INVALID_VALUE, doc.at, "priority must be a whole number in 0-" + MAX_PRIORITY + ": " + scalar.kind());
      }
      long value;
      try {
        value = Long.parseLong(scalar.text);
      } catch (NumberFormatException e) {
        value = -1;
      }
      if (value < 0 || value > MAX_PRIORITY) {
        throw new PolicyException(ErrorCode.INVALID_VALUE, doc.at, "priority out of range: " + scalar.text + " (valid: 0-" + MAX_PRIORITY + ", lower wins)");
      }
      return (int) value;
    }
  }

  private static boolean looksLikeAddress(String text) {
    return text.indexOf(':') >= 0 || text.indexOf('/') >= 0 || Character.isDigit(text.charAt(0));
  }

  private static boolean bool(Doc doc, String what) {
    Doc.Scalar scalar = doc.asScalar(what);
    if (scalar.type == Doc.Scalar.Type.BOOLEAN) {
      return Boolean.parseBoolean(scalar.text);
    }
    throw new PolicyException(ErrorCode.INVALID_VALUE, doc.at, what + " must be true or false, not " + scalar.kind());
  }

  private static String word(Doc doc, String what) {
    return scalarText(doc, what);
  }

  /** The text of a scalar value; numbers keep the digits as written. */
  static String scalarText(Doc doc, String what) {
    Doc.Scalar scalar = doc.asScalar(what);
    if (scalar.isNull()) {
      throw new PolicyException(ErrorCode.INVALID_VALUE, doc.at, what + " is empty");
    }
    return scalar.text.strip();
  }

  private static <T> T wrap(Doc at, java.util.function.Supplier<T> parse) {
    return wrapAt(at.at, parse);
  }

  private static <T> T wrapAt(SourceLocation at, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (PolicyException e) {
      throw e;
    } catch (PorteException e) {
      throw PolicyException.at(at, e);
    }
  }

  static boolean isServiceName(String text) {
    return SERVICE_NAME.matcher(text).matches();
  }
}
