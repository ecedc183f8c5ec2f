package dev.porte.core.registry;

import dev.porte.core.model.Port;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The IANA <em>Service Name and Transport Protocol Port Number Registry</em>, shipped with porte
 * as data (see {@code IANA-REGISTRY.md} beside the CSV) and indexed by port and by name.
 *
 * <p>Its entries are the registry's rows that have a port number; rows that register a name
 * without a port (for DNS-SD) are not entries. Names are matched without regard to case. This is
 * the whole registry, with every protocol IANA lists; how a <em>policy</em> reads a service name
 * is {@link ServiceNames}' job, not this class's.
 *
 * <pre>
 * IanaRegistry iana = IanaRegistry.load();
 * iana.byPort(3306).get(0).name();   // "mysql"
 * iana.transportsOf("http");         // [tcp, udp, sctp]
 * </pre>
 *
 * <p>Immutable and thread-safe. {@link #load()} parses the bundled CSV once per JVM, on first use.
 */
public final class IanaRegistry {
  static final String RESOURCE = "service-names-port-numbers.csv";

  private final List<IanaEntry> entries;
  private final int rowCount;
  private final int namedCount;
  private final Map<String, List<IanaEntry>> byName;
  private final List<String> names;
  private final Set<String> portlessNames;
  /** Port p's entries are {@code index[start[p]] .. index[start[p + 1] - 1]}, already ordered. */
  private final int[] start;
  private final IanaEntry[] index;

  private IanaRegistry(IanaCsv.Rows rows) {
    this.entries = rows.entries();
    this.rowCount = rows.rowCount();
    this.portlessNames = rows.portlessNames();
    this.namedCount = (int) entries.stream().filter(IanaEntry::named).count();
    this.byName = indexByName(entries);
    this.names = byName.values().stream().map(list -> list.get(0).name()).toList();
    this.start = new int[Port.MAX + 2];
    this.index = indexByPort(entries, byName, start);
  }

  /** The registry bundled with porte, parsed on first call and shared afterwards. */
  public static IanaRegistry load() {
    return Holder.INSTANCE;
  }

  /** Lazy holder: the CSV is read when {@link #load()} is first called, not when porte starts. */
  private static final class Holder {
    static final IanaRegistry INSTANCE = readBundled();
  }

  private static IanaRegistry readBundled() {
    try (InputStream in = IanaRegistry.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "porte's IANA registry data is missing from the classpath: dev/porte/core/registry/"
                + RESOURCE + " (the porte-core jar is incomplete)");
      }
      return parse(new InputStreamReader(in, StandardCharsets.UTF_8), RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read porte's IANA registry data " + RESOURCE, e);
    }
  }

  /** Parses a registry in IANA's CSV form; {@code source} names it in errors. */
  static IanaRegistry parse(Reader csv, String source) {
    return new IanaRegistry(IanaCsv.read(csv, source));
  }

  /**
   * Every entry whose port or range contains {@code port}: named rows first, primary names before
   * aliases, a row for the port alone before a range around it, then in the registry's order of
   * names with tcp before udp before the others. Reserved and unassigned rows are listed only when
   * no row names the port. Empty when the registry says nothing of it (the dynamic ports).
   *
   * @throws dev.porte.core.error.PorteException (INVALID_PORT) if {@code port} is not 0-65535
   */
  public List<IanaEntry> byPort(int port) {
    Port.check(port);
    return Collections.unmodifiableList(Arrays.asList(index).subList(start[port], start[port + 1]));
  }

  /** The entries of {@code name} (any case), tcp before udp before the others, then by port. */
  public List<IanaEntry> byName(String name) {
    return byName.getOrDefault(key(name), List.of());
  }

  /** True if IANA registers {@code name} (any case) with a port number. */
  public boolean isRegisteredName(String name) {
    return byName.containsKey(key(name));
  }

  /**
   * The transports IANA registers {@code name} for, in the order tcp, udp, sctp, dccp; empty for
   * unknown names. Rows that name no transport add nothing.
   */
  public Set<String> transportsOf(String name) {
    Set<String> transports = new LinkedHashSet<>();
    for (IanaEntry e : byName(name)) {
      if (!e.transport().isEmpty()) {
        transports.add(e.transport());
      }
    }
    return Collections.unmodifiableSet(transports);
  }

  /**
   * Up to {@code max} registered names close to {@code misspelled} (one or two typing mistakes
   * away, or beginning with it), closest first; for the "did you mean" of an error.
   */
  public List<String> suggest(String misspelled, int max) {
    return Spelling.closest(misspelled, names(), max);
  }

  /** The number of entries: the registry's rows that have a port number. */
  public int size() {
    return entries.size();
  }

  /** The number of entries that name a service (the others are reserved or unassigned). */
  public int namedCount() {
    return namedCount;
  }

  /** Every data row of the file, those without a port included. */
  int rowCount() {
    return rowCount;
  }

  /** Every entry, in the registry's order. */
  public List<IanaEntry> entries() {
    return entries;
  }

  /** The distinct names, in the registry's order of first appearance (roughly by port). */
  List<String> names() {
    return names;
  }

  /** True if IANA lists {@code name} only without a port (a DNS-SD name such as zeromq). */
  boolean isRegisteredWithoutPort(String name) {
    return !isRegisteredName(name) && portlessNames.contains(key(name));
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private static Map<String, List<IanaEntry>> indexByName(List<IanaEntry> entries) {
    Map<String, List<IanaEntry>> grouped = new LinkedHashMap<>(16_384);
    for (IanaEntry e : entries) {
      if (e.named()) {
        String key = key(e.name());
        List<IanaEntry> rows = grouped.get(key);
        if (rows == null) {
          rows = new ArrayList<>(2);
          grouped.put(key, rows);
        }
        rows.add(e);
      }
    }
    for (Map.Entry<String, List<IanaEntry>> group : grouped.entrySet()) {
      List<IanaEntry> rows = group.getValue();
      if (rows.size() > 1) {
        rows.sort(BY_TRANSPORT_THEN_PORT);
      }
      group.setValue(List.copyOf(rows));
    }
    return Collections.unmodifiableMap(grouped);
  }

  private static final Comparator<IanaEntry> BY_TRANSPORT_THEN_PORT =
      new Comparator<>() {
        @Override
        public int compare(IanaEntry a, IanaEntry b) {
          int byTransport =
              Integer.compare(
                  IanaEntry.transportRank(a.transport()), IanaEntry.transportRank(b.transport()));
          return byTransport != 0 ? byTransport : Integer.compare(a.ports().lo(), b.ports().lo());
        }
      };

  /**
   * Builds a compressed index: every port's entries laid end to end in one array, in the order
   * {@link #byPort} promises, so that a lookup is two array reads. The ranges cover about 55,000
   * port slots in all, far less than one list per port would cost.
   */
  private static IanaEntry[] indexByPort(
      List<IanaEntry> entries, Map<String, List<IanaEntry>> byName, int[] start) {
    IanaEntry[] ordered = inLookupOrder(entries, byName);
    boolean[] named = new boolean[Port.MAX + 1];
    for (IanaEntry e : ordered) {
      if (e.named()) {
        Arrays.fill(named, e.ports().lo(), e.ports().hi() + 1, true);
      }
    }
    int[] count = new int[Port.MAX + 1];
    for (IanaEntry e : ordered) {
      for (int p = e.ports().lo(); p <= e.ports().hi(); p++) {
        if (e.named() || !named[p]) {
          count[p]++;
        }
      }
    }
    for (int p = 0; p <= Port.MAX; p++) {
      start[p + 1] = start[p] + count[p];
    }
    IanaEntry[] index = new IanaEntry[start[Port.MAX + 1]];
    int[] next = Arrays.copyOf(start, Port.MAX + 1);
    for (IanaEntry e : ordered) {
      for (int p = e.ports().lo(); p <= e.ports().hi(); p++) {
        if (e.named() || !named[p]) {
          index[next[p]++] = e;
        }
      }
    }
    return index;
  }

  /**
   * The entries sorted once into the order of {@link #byPort}: named before unnamed, primary
   * before alias, narrow before wide ranges, the registry's order of names, tcp before udp before
   * the others, and the registry's order. The keys are packed into one {@code long} per entry and
   * sorted as primitives: a comparator chain over 13,000 objects was a visible part of the cold
   * start.
   */
  private static IanaEntry[] inLookupOrder(
      List<IanaEntry> entries, Map<String, List<IanaEntry>> byName) {
    // Bits, high to low (all below the sign bit): unnamed 1 | alias 1 | range size 17 |
    // name order 16 | transport 3 | position 20. The registry has some 7,300 names and 13,400 entries; the checks keep a much
    // larger refreshed file from silently sorting wrong.
    if (byName.size() >= (1 << 16) || entries.size() >= (1 << 20)) {
      throw new IllegalStateException(
          "IANA registry too large to index: " + byName.size() + " names, " + entries.size()
              + " entries (limits: 65,535 names, 1,048,575 entries)");
    }
    Map<String, Integer> nameOrder = new HashMap<>(byName.size() * 2);
    for (String name : byName.keySet()) {
      nameOrder.put(name, nameOrder.size());
    }
    long[] keys = new long[entries.size()];
    for (int i = 0; i < keys.length; i++) {
      IanaEntry e = entries.get(i);
      long unnamed = e.named() ? 0 : 1;
      long alias = e.alias() ? 1 : 0;
      long size = e.ports().size(); // 1-65536: 17 bits
      long name = e.named() ? nameOrder.get(key(e.name())) : 0;
      long transport = IanaEntry.transportRank(e.transport());
      keys[i] = unnamed << 57 | alias << 56 | size << 39 | name << 23 | transport << 20 | i;
    }
    Arrays.sort(keys);
    IanaEntry[] ordered = new IanaEntry[keys.length];
    for (int i = 0; i < keys.length; i++) {
      ordered[i] = entries.get((int) (keys[i] & ((1 << 20) - 1)));
    }
    return ordered;
  }

  @Override
  public String toString() {
    return "IanaRegistry[" + size() + " entries, " + namedCount + " named]";
  }
}
