package dev.porte.gateway;

import dev.porte.core.model.Decision;
import dev.porte.core.model.Flow;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the gateway has decided and moved, for {@code porte serve} to expose later: admitted and
 * refused connections per port ({@code "80/tcp"}) and per deciding rule ({@code "porte.yaml line
 * 5"}), bytes each way, open connections. Thread-safe: counters are {@link LongAdder}s so that
 * event loops never contend on one cache line; readers get copies.
 */
public final class GatewayMetrics {
  private final Map<String, LongAdder> admittedByPort = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> refusedByPort = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> decisionsByRule = new ConcurrentHashMap<>();
  private final LongAdder admitted = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder limited = new LongAdder();
  private final LongAdder backendRetries = new LongAdder();
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();
  private final LongAdder repliesBlocked = new LongAdder();
  private final AtomicInteger open = new AtomicInteger();

  void decided(Flow flow, Decision decision) {
    String port = flow.portText();
    if (decision.allowed()) {
      admitted.increment();
      admittedByPort.computeIfAbsent(port, k -> new LongAdder()).increment();
    } else {
      refused.increment();
      refusedByPort.computeIfAbsent(port, k -> new LongAdder()).increment();
    }
    decisionsByRule.computeIfAbsent(decision.decidedBy() + " " + decision.action(), k -> new LongAdder()).increment();
  }

  void onLimited() {
    limited.increment();
  }

  void retried() {
    backendRetries.increment();
  }

  void bytesIn(long n) {
    bytesIn.add(n);
  }

  void bytesOut(long n) {
    bytesOut.add(n);
  }

  void replyBlocked() {
    repliesBlocked.increment();
  }

  void opened() {
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }

  /** Connections and UDP flows admitted by the inbound verdict. */
  public long admitted() {
    return admitted.sum();
  }

  /** Connections and datagrams refused by the inbound verdict (deny or reject). */
  public long refused() {
    return refused.sum();
  }

  /** Connections admitted by the policy but refused by a connection cap. */
  public long limited() {
    return limited.sum();
  }

  /** Backend dials made again after one was refused or timed out (HAProxy's retries, {@code wretr}). */
  public long backendRetries() {
    return backendRetries.sum();
  }

  /** Bytes relayed from clients to backends. */
  public long bytesIn() {
    return bytesIn.sum();
  }

  /** Bytes relayed from backends to clients. */
  public long bytesOut() {
    return bytesOut.sum();
  }

  /** Replies withheld because the outbound verdict denied them (filtered mode). */
  public long repliesBlocked() {
    return repliesBlocked.sum();
  }

  /** TCP connections open right now. */
  public int openConnections() {
    return open.get();
  }

  public Map<String, Long> admittedByPort() {
    return copy(admittedByPort);
  }

  public Map<String, Long> refusedByPort() {
    return copy(refusedByPort);
  }

  /** Decisions per deciding rule and verdict: {@code "porte.yaml line 5 allow" -> 12}. */
  public Map<String, Long> decisionsByRule() {
    return copy(decisionsByRule);
  }

  private static Map<String, Long> copy(Map<String, LongAdder> counters) {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
