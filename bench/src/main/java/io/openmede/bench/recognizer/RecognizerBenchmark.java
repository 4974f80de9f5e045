package io.openmede.bench.recognizer;

import io.openmede.recognizer.RecognizerService;
import io.openmede.recognizer.threads.ThreadPriorities;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The recognizer benchmark, in one run on a cluster (the embedded platform by default), phase by
 * phase: setup ({@link RecognizerSetup}), the end-to-end warm-up ({@link WarmUp}), then
 *
 * <ol>
 *   <li><b>bare</b>: the tiny model alone ({@link BareScorer}: embedding and ranking, no Kafka, on
 *       one thread) on the clips of N synthetic-world cameras, decoded and preprocessed beforehand,
 *       in micro-batches of the configured size: windows per second;
 *   <li><b>machine</b>: the same on every core at once ({@link MachineScorers}, before and after
 *       the throughput rounds), the best the machine does with this model;
 *   <li><b>end to end</b> ({@link ThroughputRounds}): the same clips as frame batches through the
 *       whole topology (exactly-once v2, read_committed reader), produced while it is paused:
 *       steady windows per second between the first and the last transaction that made recognitions
 *       visible; {@code e2e_vs_bare} is the median over rounds of its ratio to the bare runs around
 *       it, {@code e2e_vs_machine} the median end to end over the mean of the two machine runs;
 *   <li><b>paced</b> ({@link PacedSchedule}, {@link PacedLoad}, {@link PacedReport}): the streams
 *       at a fixed rate below capacity: production of a window's frame batch to the read of its
 *       recognition, p50 and p99; a vocabulary message mid-way and the time to the first
 *       recognition that uses it; checkpoint announcements later (the serving weights with the
 *       image tower changed and the text tower frozen, as the trainer makes them: {@link
 *       SwapCheckpoints}) and the p99 latency of windows produced during each swap against the
 *       steady state.
 * </ol>
 *
 * The last line printed is {@link RecognizerFigures#resultLine()}.
 */
final class RecognizerBenchmark {

  /**
   * What to run.
   *
   * @param streams N cameras
   * @param windowsPerStream windows per camera in the throughput phase
   * @param frames T frames per window (= frames per batch; hop T)
   * @param maxBatch windows per micro-batch
   * @param pacedRate windows per second over all streams in the paced phase; 0 or less: half the
   *     measured end-to-end throughput
   * @param pacedSeconds length of the paced phase
   * @param swaps checkpoint swaps in the paced phase, each with a quiet segment before it
   * @param rounds end-to-end throughput rounds, each between two bare runs
   * @param maxWarmUp the end-to-end warm-up stops when the JIT has settled or after this long
   * @param overrides recognizer settings to use instead of the defaults (not the topics, the
   *     application id or the directories, which the benchmark owns)
   * @param readerFetchWait the reader's {@code fetch.max.wait.ms}: how long the broker may hold its
   *     fetch (Kafka's default 500 ms)
   * @param rehearse whether the paced lead-in rehearses a vocabulary change and a swap ({@link
   *     PacedSchedule#of})
   */
  public record Options(
      int streams,
      int windowsPerStream,
      int frames,
      int maxBatch,
      double pacedRate,
      int pacedSeconds,
      int swaps,
      int rounds,
      Duration maxWarmUp,
      Map<String, String> overrides,
      Duration readerFetchWait,
      boolean rehearse) {
    public Options {
      overrides = Map.copyOf(overrides);
    }
  }

  private final Options options;
  private final PrintStream out;

  /** The broker's process when it runs on this machine in a JVM of its own. */
  private OptionalLong brokerPid = OptionalLong.empty();

  public RecognizerBenchmark(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /**
   * The broker runs on this machine as process {@code pid}: it is kept off any CPU the topology's
   * scoring thread holds, like the recognizer's own non-model threads.
   */
  public RecognizerBenchmark withBrokerProcess(long pid) {
    brokerPid = OptionalLong.of(pid);
    return this;
  }

  /** Runs every phase against the broker and registry at these addresses. */
  public RecognizerFigures run(String bootstrap, String registryUrl, Path workDir)
      throws Exception {
    RecognizerSetup setup = RecognizerSetup.prepare(options, bootstrap, registryUrl, workDir, out);
    JitClock jit = new JitClock(brokerPid);
    RecognitionReader reader = new RecognitionReader(setup.cluster(), options.readerFetchWait());
    try (BareScorer bare =
            new BareScorer(
                setup.settings(), setup.clips(), setup.labels(), options.maxBatch(), out);
        RecognizerService service =
            RecognizerService.start(setup.cluster(), setup.settings(), Map.of());
        FrameLoad load =
            new FrameLoad(
                setup.cluster(), setup.prefix() + "-producer", setup.clips(), reader.sentAt())) {
      if (!service.awaitRunning(Duration.ofSeconds(120))) {
        throw new IllegalStateException("the recognizer did not start");
      }
      reader.start();
      WarmUp.run(service, load, reader, jit, options.maxWarmUp(), out);
      printCpuPlacement();
      ThroughputRounds.Throughput throughput =
          new ThroughputRounds(service, load, reader, bare, jit, out).run(options.rounds());
      double rate =
          options.pacedRate() > 0 ? options.pacedRate() : Math.max(1, throughput.e2e() / 2);
      PacedSchedule schedule =
          PacedSchedule.of(rate, options.pacedSeconds(), options.swaps(), options.rehearse());
      List<CheckpointAnnouncement> checkpoints =
          SwapCheckpoints.make(setup.settings(), workDir, schedule.swaps());
      try (Announcer announcer = Announcer.open(setup.cluster(), checkpoints.get(0))) {
        reader.clearArrivals();
        PacedRun paced =
            new PacedLoad(schedule, setup.cluster(), load, reader, jit, checkpoints, announcer, out)
                .run();
        return RecognizerFigures.of(throughput, PacedReport.print(paced, service, load, out));
      }
    } finally {
      reader.stop();
    }
  }

  /** Where the scoring thread runs; the broker's threads are kept off its CPU when it has one. */
  private void printCpuPlacement() {
    BitSet reserved = ThreadPriorities.reservedCpus();
    out.printf(
        "scoring thread: %s%n",
        reserved.isEmpty()
            ? "shares the CPUs with the other threads"
            : "CPU "
                + reserved
                + " of its own; the other threads run on "
                + ThreadPriorities.sharedCpus());
    if (brokerPid.isPresent() && !reserved.isEmpty()) {
      out.printf(
          "broker JVM: %d thread(s) kept on CPUs %s%n",
          ThreadPriorities.confineProcessToSharedCpus(brokerPid.getAsLong()),
          ThreadPriorities.sharedCpus());
    }
  }
}
