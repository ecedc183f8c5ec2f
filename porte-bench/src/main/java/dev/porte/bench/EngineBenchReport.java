package dev.porte.bench;

import dev.porte.core.engine.DecisionEngine;
import dev.porte.core.model.Policy;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link EngineBenchmark} through JMH, measures how long the index of 100,000 rules takes to
 * build and how much heap it keeps, and prints one table with the targets of DESIGN.md ("well under
 * a microsecond, on policies of 100,000 rules") marked PASS or MISS.
 *
 * <pre>
 * java -jar porte-bench/target/porte-benchmarks.jar             # the full run, a few minutes
 * java -jar porte-bench/target/porte-benchmarks.jar --quick     # a rough run, under a minute
 * java -jar porte-bench/target/porte-benchmarks.jar --verbose   # also JMH's own progress output
 * </pre>
 *
 * <p>The engine runs in {@link Mode#SampleTime}, so that its median (p0.50) is known, and again in
 * {@link Mode#AverageTime}, whose mean carries no timer overhead; the reference, whose calls take
 * up to milliseconds, in {@link Mode#AverageTime}.
 */
public final class EngineBenchReport {
  static final int LARGE = 100_000;
  static final double TARGET_MEDIAN_NS = 300;
  static final double TARGET_SPEEDUP = 1_000;
  static final double TARGET_BUILD_MS = 2_000;
  static final double TARGET_HEAP_MB = 200;

  private EngineBenchReport() {}

  public static void main(String[] args) throws RunnerException, InterruptedException {
    List<String> flags = Arrays.asList(args);
    for (String flag : flags) {
      if (!flag.equals("--quick") && !flag.equals("--verbose")) {
        System.err.println("unknown argument: '" + flag + "' (valid: --quick, --verbose)");
        System.exit(2);
      }
    }
    boolean quick = flags.contains("--quick");
    VerboseMode verbosity = flags.contains("--verbose") ? VerboseMode.NORMAL : VerboseMode.SILENT;

    System.out.printf(Locale.ROOT, "porte decision engine benchmark (%s run)%n", quick ? "quick" : "full");
    System.out.printf(Locale.ROOT, "JVM %s %s, %d cores%n",
        System.getProperty("java.vm.name"), System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    System.out.println();

    System.out.println("running engine() in SampleTime mode ...");
    Map<Integer, RunResult> engine = byRules(new Runner(options("engine", Mode.SampleTime, quick, verbosity)).run());
    System.out.println("running engine() in AverageTime mode ...");
    Map<Integer, RunResult> engineMean = byRules(new Runner(options("engine", Mode.AverageTime, quick, verbosity)).run());
    System.out.println("running reference() in AverageTime mode ...");
    Map<Integer, RunResult> reference = byRules(new Runner(options("reference", Mode.AverageTime, quick, verbosity)).run());
    System.out.println("measuring the index build for " + LARGE + " rules ...");
    BuildCost build = measureBuild(LARGE, quick ? 3 : 5);
    System.out.println();

    System.out.println("decision cost per flow, ns/op: the engine's p50 and p99 per call (SampleTime, each sample");
    System.out.println("includes one System.nanoTime() pair), its mean per call (AverageTime), the reference's mean");
    System.out.println("(AverageTime), and the speedup = reference mean / engine p50");
    System.out.printf(Locale.ROOT, "%8s  %12s  %12s  %12s  %14s  %12s%n",
        "rules", "engine p50", "engine p99", "engine avg", "reference avg", "speedup");
    double largeMedian = Double.NaN;
    double largeSpeedup = Double.NaN;
    for (Map.Entry<Integer, RunResult> entry : engine.entrySet()) {
      int rules = entry.getKey();
      RunResult fast = entry.getValue();
      double median = fast.getPrimaryResult().getStatistics().getPercentile(50);
      double p99 = fast.getPrimaryResult().getStatistics().getPercentile(99);
      RunResult average = engineMean.get(rules);
      double mean = average == null ? Double.NaN : average.getPrimaryResult().getScore();
      RunResult slow = reference.get(rules);
      double referenceMean = slow == null ? Double.NaN : slow.getPrimaryResult().getScore();
      // The median per call of the engine against the reference's mean: a reference call is a
      // scan of every rule, so its mean and median are close.
      double speedup = referenceMean / median;
      System.out.printf(Locale.ROOT, "%8d  %12.1f  %12.1f  %12.1f  %14.1f  %11.0fx%n",
          rules, median, p99, mean, referenceMean, speedup);
      if (rules == LARGE) {
        largeMedian = median;
        largeSpeedup = speedup;
      }
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "index build for %d rules: median %.0f ms of %d compiles (first, cold: %.0f ms)%n",
        LARGE, build.medianMillis, build.compiles, build.firstMillis);
    System.out.printf(Locale.ROOT, "index heap for %d rules: %.1f MB retained (%.1f MB allocated while building)%n",
        LARGE, build.retainedMb, build.allocatedMb);
    System.out.println();

    System.out.println("targets at " + LARGE + " rules");
    target(String.format(Locale.ROOT, "engine median <= %.0f ns", TARGET_MEDIAN_NS),
        String.format(Locale.ROOT, "%.1f ns", largeMedian), largeMedian <= TARGET_MEDIAN_NS);
    target(String.format(Locale.ROOT, "engine >= %,.0fx faster than the reference", TARGET_SPEEDUP),
        String.format(Locale.ROOT, "%,.0fx", largeSpeedup), largeSpeedup >= TARGET_SPEEDUP);
    target(String.format(Locale.ROOT, "index built in <= %.0f ms", TARGET_BUILD_MS),
        String.format(Locale.ROOT, "%.0f ms", build.medianMillis), build.medianMillis <= TARGET_BUILD_MS);
    target(String.format(Locale.ROOT, "index heap <= %.0f MB", TARGET_HEAP_MB),
        String.format(Locale.ROOT, "%.1f MB", build.retainedMb), build.retainedMb <= TARGET_HEAP_MB);
  }

  private static void target(String what, String measured, boolean met) {
    System.out.printf(Locale.ROOT, "  %-4s  %-45s measured %s%n", met ? "PASS" : "MISS", what, measured);
  }

  private static org.openjdk.jmh.runner.options.Options options(
      String method, Mode mode, boolean quick, VerboseMode verbosity) {
    boolean engine = method.equals("engine");
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include("^" + Pattern.quote(EngineBenchmark.class.getName()) + "\\." + method + "$")
        .mode(mode)
        .timeUnit(TimeUnit.NANOSECONDS)
        .forks(1)
        .threads(1)
        .shouldFailOnError(true)
        .verbosity(verbosity)
        // A fixed heap, so that the heap's growth does not show up in the timings.
        .jvmArgsAppend("-Xms1g", "-Xmx1g");
    if (quick) {
      options.warmupIterations(1).warmupTime(TimeValue.milliseconds(500))
          .measurementIterations(2).measurementTime(TimeValue.milliseconds(500));
    } else if (engine && mode == Mode.SampleTime) {
      options.warmupIterations(3).warmupTime(TimeValue.seconds(1))
          .measurementIterations(5).measurementTime(TimeValue.seconds(2));
    } else {
      options.warmupIterations(2).warmupTime(TimeValue.seconds(1))
          .measurementIterations(3).measurementTime(TimeValue.seconds(1));
    }
    return options.build();
  }

  private static Map<Integer, RunResult> byRules(Collection<RunResult> results) {
    Map<Integer, RunResult> out = new TreeMap<>();
    for (RunResult result : results) {
      out.put(Integer.parseInt(result.getParams().getParam("rules")), result);
    }
    return out;
  }

  /** What building the index of one policy costs. */
  static final class BuildCost {
    final int compiles;
    final double firstMillis;
    final double medianMillis;
    final double retainedMb;
    final double allocatedMb;

    BuildCost(int compiles, double firstMillis, double medianMillis, double retainedMb, double allocatedMb) {
      this.compiles = compiles;
      this.firstMillis = firstMillis;
      this.medianMillis = medianMillis;
      this.retainedMb = retainedMb;
      this.allocatedMb = allocatedMb;
    }
  }

  /**
   * Compiles the generated policy of {@code rules} rules {@code compiles} times (the median time
   * counts; the first, cold one is shown too), then once more between two full collections to see
   * the heap the engine keeps. The policy itself is alive before and after, so it is not counted.
   */
  static BuildCost measureBuild(int rules, int compiles) throws InterruptedException {
    Policy policy = new PolicyGenerator(PolicyGenerator.DEFAULT_SEED).policy(rules);
    List<Double> millis = new ArrayList<>();
    for (int i = 0; i < compiles; i++) {
      long start = System.nanoTime();
      DecisionEngine engine = DecisionEngine.compile(policy);
      millis.add((System.nanoTime() - start) / 1e6);
      Reference.reachabilityFence(engine);
    }
    double first = millis.get(0);
    List<Double> sorted = new ArrayList<>(millis);
    sorted.sort(null);
    double median = sorted.get(sorted.size() / 2);

    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = usedHeapAfterGc();
    long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
    DecisionEngine engine = DecisionEngine.compile(policy);
    long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
    long after = usedHeapAfterGc();
    // Keeps the engine (and so all its tables) reachable until the second measurement is taken.
    Reference.reachabilityFence(engine);
    Reference.reachabilityFence(policy);
    return new BuildCost(compiles, first, median, (after - before) / 1e6, allocated / 1e6);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
