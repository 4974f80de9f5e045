package io.openmede.bench.faults;

import io.openmede.embedded.LoopbackPorts;
import io.openmede.recognizer.process.ChildJvm;
import io.openmede.schemas.topic.Cluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code openmede ingest synthetic --cameras 1} in a JVM of its own: one more camera, run from the
 * start, its log in {@code work/ingest.log} and its {@code /metrics} on a free port.
 */
final class IngestProcess implements AutoCloseable {

  /** The launcher's main class: with it on the class path, the campaign runs {@code ingest}. */
  static final String LAUNCHER = "io.openmede.cli.Main";

  /** The stream of {@code openmede ingest synthetic --cameras 1}. */
  static final String STREAM = "synthetic-0";

  private final ChildJvm process;
  private final int metricsPort;
  private final MetricsScrape metrics;

  private IngestProcess(ChildJvm process, int metricsPort, MetricsScrape metrics) {
    this.process = process;
    this.metricsPort = metricsPort;
    this.metrics = metrics;
  }

  /** Whether the launcher is on the class path (the campaign run through {@code openmede}). */
  static boolean launcherPresent() {
    try {
      Class.forName(LAUNCHER, false, IngestProcess.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Starts run {@code generation} of the process against {@code cluster}. */
  static IngestProcess start(
      Path work, int generation, Cluster cluster, MetricsScrape metrics, Progress progress)
      throws Exception {
    Path log = work.resolve("ingest.log");
    int metricsPort = LoopbackPorts.free();
    List<String> args =
        List.of(
            "ingest",
            "synthetic",
            "--cameras",
            "1",
            "--bootstrap-servers",
            cluster.connection().bootstrapServers(),
            "--registry-url",
            cluster.connection().registryUrl(),
            "--metrics-port",
            Integer.toString(metricsPort));
    ChildJvm p =
        ChildJvm.start(
            "ingest-" + generation, LAUNCHER, args, "384m", log, Optional.empty(), Duration.ZERO);
    progress.line(
        "started 'openmede %s' (pid %d, stream %s, log %s)",
        String.join(" ", args.subList(0, 4)), p.pid(), STREAM, log);
    return new IngestProcess(p, metricsPort, metrics);
  }

  long pid() {
    return process.pid();
  }

  /** Frames the process dropped so far (its metric). */
  double dropped() {
    return metrics
        .counter(metricsPort, "openmede_ingest_frames_dropped_total")
        .getOrDefault("", 0.0);
  }

  /** Stops it (SIGTERM). */
  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
