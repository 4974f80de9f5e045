package io.openmede.cli.demo;

import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.topic.Cluster;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The demo's line for each recognition as it is committed: stream, top label (or "nothing
 * recognized"), probability, calibrated score, cosine, model version; printed by a {@link
 * TopicPrinter}.
 */
final class RecognitionPrinter {
  private RecognitionPrinter() {}

  /** Starts printing each recognition committed from now on. */
  static TopicPrinter<Recognition> start(Cluster cluster, PrintStream out) {
    return new TopicPrinter<>(
            cluster,
            cluster.topics().recognitions(),
            "recognition",
            Duration.ofMillis(250),
            RecognitionPrinter::line,
            out)
        .start();
  }

  static String line(Recognition r) {
    if (r.getTop().isEmpty()) {
      return String.format(
          Locale.ROOT, "%-14s (no labels)  model %s", r.getStreamId(), r.getModelVersion());
    }
    LabelScore top = r.getTop().get(0);
    // a window where no label reached its threshold says so; its closest label follows in ()
    String label = r.getUnknown() ? "nothing recognized (" + top.getLabel() + ")" : top.getLabel();
    String score =
        top.getCalibrated() == null
            ? ""
            : String.format(Locale.ROOT, " score=%.2f", top.getCalibrated());
    return String.format(
        Locale.ROOT,
        "%-14s %-28s p=%.2f%s cos=%.3f  frames %d-%d  model %s  vocab v%d  %.0f ms",
        r.getStreamId(),
        label,
        top.getProbability(),
        score,
        top.getCosine(),
        r.getFirstSequence(),
        r.getLastSequence(),
        r.getModelVersion(),
        r.getVocabularyVersion(),
        r.getProcessingLatencyMs());
  }
}
