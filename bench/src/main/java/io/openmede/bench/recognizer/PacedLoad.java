package io.openmede.bench.recognizer;

import io.openmede.bench.recognizer.PacedSchedule.Segment;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.topic.Cluster;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The paced phase's load: frame batches at the schedule's rate, the {@link LeadIn}'s segments until
 * the JIT has settled (like the warm-up before the throughput rounds: pacing takes paths the drain
 * rounds did not, a fetch per frame batch, partial batches, transactions of a few records, and C2
 * compiling them shares the stream thread's core), then the measured segments, each segment's event
 * sent at its start. Used once.
 *
 * <p>The events are sent from a thread of their own, prepared beforehand: the pacing loop must keep
 * its cadence, or a stall of the load generator (a producer to create, a file to hash) turns into a
 * burst of frames that the recognizer is then blamed for.
 */
final class PacedLoad {

  /** The label of the lead-in's rehearsal vocabulary change. */
  static final String REHEARSAL_LABEL = "bench warm-up label";

  /** The label of the measured vocabulary change. */
  static final String NEW_LABEL = "bench new label";

  private final PacedSchedule schedule;
  private final Cluster cluster;
  private final FrameLoad load;
  private final RecognitionReader reader;
  private final JitClock jit;
  private final PrintStream out;
  private final Iterator<CheckpointAnnouncement> checkpoints;
  private final Announcer announcer;
  private final List<Double> announceCpuMs = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ExecutorService control =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "bench-control");
            t.setDaemon(true);
            return t;
          });
  private final List<Future<?>> sent = new ArrayList<>();
  private final List<Long> segmentJitMs = new ArrayList<>();
  private final long[] segmentStart;

  private LeadIn leadIn;

  /**
   * {@code checkpoints}: the announcements the swaps send, in order, the rehearsal's first, through
   * {@code announcer} (opened beforehand).
   */
  PacedLoad(
      PacedSchedule schedule,
      Cluster cluster,
      FrameLoad load,
      RecognitionReader reader,
      JitClock jit,
      List<CheckpointAnnouncement> checkpoints,
      Announcer announcer,
      PrintStream out) {
    this.schedule = schedule;
    this.cluster = cluster;
    this.load = load;
    this.reader = reader;
    this.jit = jit;
    this.checkpoints = checkpoints.iterator();
    this.announcer = announcer;
    this.out = out;
    this.segmentStart = new long[schedule.measured().size()];
  }

  /** Runs the lead-in and the measured segments, then waits for every recognition. */
  PacedRun run() throws Exception {
    long period = schedule.periodNanos();
    long next = System.nanoTime();
    long maxLagNanos = 0;
    leadIn = new LeadIn(jit, out);
    long i = 0;
    while (leadIn.running() || i < leadIn.endStep() + schedule.measuredSteps()) {
      if (leadIn.running() && i > 0 && i % schedule.segmentSteps() == 0) {
        leadIn.segmentEnded(i);
      }
      maxLagNanos = Math.max(maxLagNanos, System.nanoTime() - next);
      load.sendPaced(i);
      if (i % schedule.segmentSteps() == 0) {
        startSegment(i);
      }
      next += period;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
      }
      i++;
    }
    String cpu = leadIn.cpuSinceEnd();
    segmentJitMs.add(jit.millis());
    for (Future<?> f : sent) {
      f.get(60, TimeUnit.SECONDS);
    }
    control.shutdown();
    out.printf(
        "  load generator: at most %.1f ms behind its schedule (period %.2f ms); announcing took"
            + " %.1f ms of CPU when the producer was made, before the phase, then %s ms per"
            + " announcement%n",
        maxLagNanos / 1e6,
        period / 1e6,
        announcer.openCpuMs(),
        announceCpuMs.stream().map(ms -> String.format(Locale.ROOT, "%.1f", ms)).toList());
    reader.awaitArrivals((int) i, Duration.ofSeconds(120)); // all of them, the lead-in's too
    reader.stopAndJoin(10_000);
    return new PacedRun(
        schedule,
        leadIn.segments(),
        leadIn.endNanos(),
        segmentStart,
        List.copyOf(segmentJitMs),
        cpu,
        reader.arrivalsSentFrom(leadIn.endNanos()),
        reader.newVocabularySeenAt());
  }

  /** At step {@code i}, a segment starts: its event goes out (a rehearsal's in the lead-in). */
  private void startSegment(long i) {
    if (leadIn.running()) {
      int s = (int) (i / schedule.segmentSteps());
      if (s < schedule.rehearsals().size()) {
        send(schedule.rehearsals().get(s), REHEARSAL_LABEL);
      }
      return;
    }
    int m = (int) ((i - leadIn.endStep()) / schedule.segmentSteps());
    segmentJitMs.add(jit.millis());
    Segment segment = schedule.measured().get(m);
    if (segment == Segment.VOCABULARY) {
      reader.markVocabularyBaseline();
    }
    segmentStart[m] = System.nanoTime();
    send(segment, NEW_LABEL);
  }

  /** The segment's event, if it has one, on the control thread. */
  private void send(Segment segment, String label) {
    switch (segment) {
      case VOCABULARY -> submit(() -> ControlRecords.publishVocabulary(cluster, List.of(label)));
      case SWAP -> {
        CheckpointAnnouncement a = checkpoints.next();
        submit(
            () -> {
              long cpu0 = ThreadCpu.currentThreadCpuNanos();
              announcer.announce(a);
              announceCpuMs.add((ThreadCpu.currentThreadCpuNanos() - cpu0) / 1e6);
            });
      }
      case STEADY, QUIET -> {}
    }
  }

  @FunctionalInterface
  private interface ControlRecord {
    void send() throws Exception;
  }

  private void submit(ControlRecord record) {
    Callable<Void> c =
        () -> {
          record.send();
          return null;
        };
    sent.add(control.submit(c));
  }
}
