package io.openmede.cli.demo;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.CheckpointStatus;
import io.openmede.schemas.avro.OperatorDecision;
import io.openmede.schemas.checkpoint.ModelHistory;
import io.openmede.schemas.topic.Cluster;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;

/**
 * The demo's line for each checkpoint announcement as it is committed: the trainer's gate outcome
 * ({@code demo: checkpoint V promoted|HELD BACK against S: base 0.583/0.333 n=24 p=0.046; ...}) or
 * an operator's decision; printed by a {@link TopicPrinter}.
 */
final class CheckpointPrinter {
  private CheckpointPrinter() {}

  /** Starts printing each checkpoint announcement committed from now on. */
  static TopicPrinter<CheckpointAnnouncement> start(Cluster cluster, PrintStream out) {
    return new TopicPrinter<>(
            cluster,
            cluster.topics().checkpoints(),
            "checkpoint",
            Duration.ofMillis(500),
            CheckpointPrinter::line,
            out)
        .start();
  }

  static String line(CheckpointAnnouncement a) {
    OperatorDecision op = a.getOperator();
    if (op != null) {
      return "demo: operator "
          + op.getAction()
          + " of checkpoint "
          + a.getVersion()
          + " (key "
          + op.getKeyId()
          + ")";
    }
    if (a.getStatus() == null || a.getGate() == null) {
      return "demo: checkpoint " + a.getVersion() + " published (not judged by a gate)";
    }
    boolean held = a.getStatus() == CheckpointStatus.HELD_BACK;
    String against = Optional.ofNullable(a.getGate().getServingVersion()).orElse("initial weights");
    return "demo: checkpoint "
        + a.getVersion()
        + (held ? " HELD BACK" : " promoted")
        + " against "
        + against
        + ": "
        + ModelHistory.figureText(a)
        + " (candidate/serving top-1)"
        + (held
            ? "; "
                + a.getGate().getReason()
                + "; recognizers keep "
                + against
                + " (the live page's model history can promote it)"
            : "");
  }
}
