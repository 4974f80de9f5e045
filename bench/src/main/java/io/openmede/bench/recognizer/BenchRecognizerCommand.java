package io.openmede.bench.recognizer;

import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.model.TorchThreads;
import io.openmede.recognizer.RecognizerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code openmede bench recognizer}: the recognizer benchmark on a temporary embedded platform. */
@Command(
    name = "recognizer",
    mixinStandardHelpOptions = true,
    description =
        "Throughput of the whole topology against the bare model, latency p50/p99, vocabulary"
            + " apply time and latency during a model swap; last line RESULT ...")
public final class BenchRecognizerCommand implements Callable<Integer> {

  @Option(names = "--streams", defaultValue = "4", description = "Synthetic cameras (N).")
  int streams;

  @Option(
      names = "--windows",
      defaultValue = "300",
      description = "Windows per camera in each throughput round.")
  int windows;

  @Option(names = "--frames", defaultValue = "8", description = "Frames per window (T).")
  int frames;

  @Option(names = "--batch", defaultValue = "8", description = "Windows per micro-batch.")
  int batch;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "Paced windows per second; 0: half the measured end-to-end throughput.")
  double rate;

  @Option(
      names = "--seconds",
      defaultValue = "39",
      description =
          "Length of the paced phase (s), cut into 3 + 2 x swaps segments of equal length: a"
              + " lead-in (not measured; a rehearsal vocabulary change and swap in its first two"
              + " segments unless --no-rehearsal, then repeated, 3 to 15 segments, until JIT compilation, this JVM's and"
              + " the broker's, takes under a twentieth of one), steady, the vocabulary change,"
              + " then per swap a quiet segment and the swap's.")
  int seconds;

  @Option(
      names = "--swaps",
      defaultValue = "5",
      description =
          "Checkpoint swaps in the paced phase; swap_p99_ratio is the median of their p99s against"
              + " the steady segment's, quiet_p99_ratio the same for the quiet segment before"
              + " each, first_swap_p99_ratio the first swap's alone.")
  int swaps;

  @Option(
      names = "--no-rehearsal",
      description =
          "No rehearsal vocabulary change and swap in the paced lead-in: the first measured swap is"
              + " then the recognizer's first since it started (what a fresh recognizer's first"
              + " swap costs, e.g. with and without recognizer.checkpoints.warm-swap), and"
              + " first_swap_p99_ratio reads it against steady.")
  boolean noRehearsal;

  @Option(
      names = "--rounds",
      defaultValue = "7",
      description =
          "End-to-end throughput rounds, each between two bare runs; e2e_vs_bare is the median"
              + " of their ratios.")
  int rounds;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = {
        "libtorch intra-op threads for both the bare scorer and the topology; 0 keeps DJL's"
            + " default (one per core).",
        "The recognizer shares the cores with Kafka; on a 2-core machine 1 thread measured faster"
            + " for both sides (no OpenMP spin-waiting against the stream and broker threads)."
      })
  int threads;

  @Option(
      names = "--warm-up",
      defaultValue = "150",
      description =
          "End-to-end warm-up: untimed rounds until JIT compilation takes under 5%% of a round,"
              + " at most this many seconds (the broker, clients and topology are a lot of code"
              + " for the JIT; a recognizer runs for days).")
  int warmUpSeconds;

  @Option(
      names = "--reader-fetch-wait",
      defaultValue = "500ms",
      converter = io.openmede.settings.DurationConverter.class,
      description =
          "fetch.max.wait.ms of the benchmark's read_committed reader of recognitions (default:"
              + " ${DEFAULT-VALUE}, Kafka's): how long the broker may hold its fetch.")
  java.time.Duration readerFetchWait;

  @Option(
      names = "--bootstrap-servers",
      description =
          "Use this Kafka cluster (with --registry-url) instead of a temporary embedded platform;"
              + " the benchmark creates its own topics, named bench-*.")
  String bootstrapServers;

  @Option(names = "--registry-url", description = "The schema registry of --bootstrap-servers.")
  String registryUrl;

  @Option(
      names = "--in-process-broker",
      description =
          "Run the temporary broker and registry inside the benchmark's process instead of a JVM"
              + " of their own (their threads and JIT compilation then share the recognizer's"
              + " process, unlike a deployment).")
  boolean inProcessBroker;

  @Option(
      names = "--set",
      paramLabel = "NAME=VALUE",
      description =
          "A recognizer setting for the topology under test (repeatable), e.g. --set"
              + " recognizer.commit.interval=200ms; see 'openmede settings'.")
  java.util.Map<String, String> overrides = new java.util.LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    Optional<String> invalid = invalid();
    if (invalid.isPresent()) {
      System.err.println("bench recognizer: " + invalid.get());
      return 2;
    }
    TorchThreads.set(threads);
    System.out.printf(
        "libtorch intra-op threads: %s%n", threads > 0 ? threads : "DJL default (one per core)");
    Path work = Files.createTempDirectory("openmede-bench-recognizer");
    if (bootstrapServers != null) {
      System.out.printf("cluster: %s, registry %s%n", bootstrapServers, registryUrl);
      run(bootstrapServers, registryUrl, work, OptionalLong.empty());
    } else if (inProcessBroker) {
      try (EmbeddedPlatform platform = EmbeddedPlatform.startTemporary()) {
        System.out.println("cluster: a temporary embedded platform in this process");
        run(platform.bootstrapServers(), platform.registryUrl(), work, OptionalLong.empty());
      }
    } else {
      runOnBrokerProcess(work);
    }
    return 0;
  }

  /** What is wrong with the options, said with the fix; empty when nothing is. */
  private Optional<String> invalid() {
    if ((bootstrapServers == null) != (registryUrl == null)) {
      return Optional.of(
          "give both --bootstrap-servers and --registry-url, or neither (then a temporary embedded"
              + " platform runs in this process)");
    }
    if (threads < 0) {
      return Optional.of("--threads must be >= 0, got " + threads);
    }
    if (swaps < 1 || seconds < 3 + 2 * swaps) {
      return Optional.of(
          String.format(
              "--swaps must be >= 1 and --seconds at least 3 + 2 x swaps (one second per"
                  + " segment), got --swaps %d --seconds %d; e.g. --swaps 5 --seconds 39",
              swaps, seconds));
    }
    return Optional.empty();
  }

  /** On a temporary embedded platform in a JVM of its own on this machine. */
  private void runOnBrokerProcess(Path work) throws Exception {
    Path log = work.resolve("broker.log");
    System.out.printf(
        "cluster: a temporary embedded platform in a JVM of its own on this machine (log %s)%n",
        log);
    try (BrokerProcess broker = BrokerProcess.start(log)) {
      // the broker shares this machine the way the recognizer's own non-model threads do: at
      // recognizer.threads.nice (a deployment puts it on other machines)
      int nice =
          Integer.parseInt(
              overrides.getOrDefault(
                  RecognizerSettings.THREADS_NICE.name(),
                  String.valueOf(RecognizerSettings.THREADS_NICE.defaultValue())));
      if (nice > 0) {
        System.out.printf(
            "broker JVM: %d thread(s) set to nice %d (%s)%n",
            broker.lowerPriority(nice), nice, RecognizerSettings.THREADS_NICE.name());
      }
      run(broker.bootstrapServers(), broker.registryUrl(), work, OptionalLong.of(broker.pid()));
    }
  }

  private void run(String bootstrap, String registry, Path work, OptionalLong brokerPid)
      throws Exception {
    RecognizerBenchmark benchmark =
        new RecognizerBenchmark(
            new RecognizerBenchmark.Options(
                streams,
                windows,
                frames,
                batch,
                rate,
                seconds,
                swaps,
                rounds,
                java.time.Duration.ofSeconds(warmUpSeconds),
                overrides,
                readerFetchWait,
                !noRehearsal),
            System.out);
    brokerPid.ifPresent(benchmark::withBrokerProcess);
    RecognizerFigures r = benchmark.run(bootstrap, registry, work);
    System.out.println(r.summaryLine());
    System.out.println(r.resultLine());
  }

  /** Runs the benchmark from a plain {@code java} command line. */
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new BenchRecognizerCommand()).execute(args));
  }
}
