package dev.porte.server.store;

/** Policy texts the store tests save. */
final class Samples {
  private Samples() {}

  static final String CLOSED = "defaults: { inbound: deny, outbound: allow }\n";

  static final String WEB = "inbound:\n  - allow: http\n  - allow: 443/tcp\n";

  static final String SSH = "inbound:\n  - allow: ssh\n    from: 203.0.113.0/24\n";

  /** Line 3, column 12: port 70000 does not exist. */
  static final String BAD_PORT = "inbound:\n  - allow: http\n  - allow: 70000/tcp\n";

  /** A valid policy of {@code rules} inbound rules, about 40 bytes each: big writes for the crash test. */
  static String many(int seed, int rules) {
    StringBuilder text = new StringBuilder("# version seed ").append(seed).append('\n').append("inbound:\n");
    for (int i = 0; i < rules; i++) {
      text.append("  - allow: ").append(1024 + (seed + i) % 60000).append("/tcp\n");
    }
    return text.toString();
  }
}
