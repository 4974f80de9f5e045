package io.openmede.bench.faults;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The fault campaign: running recognition on a broker of its own (the embedded platform in a JVM of
 * its own, data kept so that it can restart), two recognizer processes of one application, and
 * synthetic cameras producing one window per frame batch; one fault after another, each followed by
 * a check that every stream is recognized again within a bound. Phase by phase: setup ({@link
 * FaultRig}), load ({@link FrameSources}), the faults ({@link FaultPlan}: groups of {@link
 * FaultCase}s, each injected then checked), report ({@link FaultReport}):
 *
 * <ol>
 *   <li>bad input on each topic the recognizer reads: frames (not Avro, an unknown schema id: to
 *       dead letters), vocabulary (the same, a prompt without {@code {}}, an empty label, a 1 MB
 *       label: refused, counted by {@code openmede_recognizer_vocabulary_refused_total}),
 *       checkpoints (the same two, an unsigned announcement and one signed by another key, a file
 *       outside {@code recognizer.checkpoints.roots}, a symlink out of the root, {@code /dev/zero}:
 *       refused, counted by {@code openmede_recognizer_checkpoints_refused_total});
 *   <li>the broker stopped, down a while, started again on the same ports and data;
 *   <li>{@code kill -9} of one of the two recognizers (the other takes its partitions over);
 *   <li>an ingest restart: {@code openmede ingest synthetic}, running from the start as one more
 *       camera, stopped and started again; when the launcher is not on the class path, the
 *       campaign's own frame producer restarted instead.
 * </ol>
 *
 * Then every recognition is read back (read_committed) and accounted ({@link FaultAccounting}). The
 * last line printed is {@code RESULT faults=N survived=N windows_lost=N windows_doubled=N
 * dead_lettered=N}.
 */
final class FaultCampaign {

  /**
   * What to run.
   *
   * @param streams synthetic cameras
   * @param batchesPerSecond frame batches (one window each) per second and camera
   * @param caseLength steady recognition between two faults
   * @param bound how long after a fault every stream must be recognized again
   * @param brokerDown how long the broker stays stopped
   */
  public record Options(
      int streams,
      double batchesPerSecond,
      Duration caseLength,
      Duration bound,
      Duration brokerDown) {
    public Options {
      if (streams < 1) {
        throw new IllegalArgumentException("--streams " + streams + " must be at least 1");
      }
      if (!(batchesPerSecond > 0)) {
        throw new IllegalArgumentException("--rate " + batchesPerSecond + " must be above 0");
      }
    }
  }

  /** The figures of the last line. */
  public record Result(
      int faults,
      int survived,
      int windowsLost,
      int windowsDoubled,
      int deadLettered,
      int streamsMuted,
      int rulesMuted,
      int episodesLost,
      int episodesDoubled,
      double heapMaxMb,
      boolean heapBounded,
      double healthMaxMs) {
    public String resultLine() {
      return String.format(
          Locale.ROOT,
          "RESULT faults=%d survived=%d windows_lost=%d windows_doubled=%d dead_lettered=%d"
              + " streams_muted=%d rules_muted=%d episodes_lost=%d episodes_doubled=%d"
              + " heap_max_mb=%.0f heap_bounded=%s health_max_ms=%.0f",
          faults,
          survived,
          windowsLost,
          windowsDoubled,
          deadLettered,
          streamsMuted,
          rulesMuted,
          episodesLost,
          episodesDoubled,
          heapMaxMb,
          heapBounded,
          healthMaxMs);
    }
  }

  /** How long the recognizers may take to recognize every stream first. */
  private static final Duration FIRST_RECOGNITION = Duration.ofSeconds(180);

  private final Options options;
  private final Progress progress;

  public FaultCampaign(Options options, PrintStream out) {
    this.options = options;
    this.progress = new Progress(out);
  }

  /** Runs the whole campaign in {@code work} (broker data, recognizer state, logs). */
  public Result run(Path work) throws Exception {
    try (FaultRig rig = FaultRig.setUp(options, work, progress)) {
      rig.startRecognizers(2);
      rig.startServices();
      long camerasStarted = System.nanoTime();
      rig.startSources();
      OptionalLong first = rig.recovery().awaitEveryStream(camerasStarted, FIRST_RECOGNITION);
      if (first.isEmpty()) {
        throw new IllegalStateException(
            "the recognizers did not recognize every stream within "
                + FIRST_RECOGNITION.toSeconds()
                + " s; see the logs in "
                + work);
      }
      progress.line(
          "recognizing: every stream %s recognized %.1f s after the cameras started",
          rig.ledger.streams(), first.getAsLong() / 1000.0);
      List<Verdict> verdicts = new ArrayList<>();
      List<FaultPlan.Step> steps = FaultPlan.steps(rig);
      long faultsBegan = 0;
      for (int k = 0; k < steps.size(); k++) {
        if (k == 1) {
          faultsBegan = System.nanoTime();
        }
        if (k == steps.size() - 1) {
          rig.faultsEnded(System.nanoTime());
        }
        verdicts.addAll(steps.get(k).run(rig));
      }
      return FaultReport.finish(rig, verdicts, faultsBegan);
    }
  }
}
