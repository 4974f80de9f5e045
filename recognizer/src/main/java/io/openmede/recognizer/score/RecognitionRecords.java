package io.openmede.recognizer.score;

import io.openmede.model.openset.OpenSetScore;
import io.openmede.recognizer.metrics.RecognizerMetrics;
import io.openmede.recognizer.window.ClipWindow;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.topic.DeadLetterRecords;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The records the scoring step writes: a window's recognition, or its dead letter. Pure. */
final class RecognitionRecords {

  private RecognitionRecords() {}

  /**
   * The recognition of window {@code w} from its score {@code s}.
   *
   * @param nowMs when it is forwarded (its {@code recognizedAt}; the latency runs up to it)
   */
  static Recognition recognition(
      ClipWindow w, WindowScore s, String modelVersion, long vocabularyVersion, long nowMs) {
    List<LabelScore> top = new ArrayList<>(s.top().size());
    for (RankedLabel r : s.top()) {
      top.add(
          LabelScore.newBuilder()
              .setLabel(r.label())
              .setProbability(r.probability())
              .setCosine(r.cosine())
              .setCalibrated(r.calibrated().isPresent() ? r.calibrated().getAsDouble() : null)
              .build());
    }
    return Recognition.newBuilder()
        .setStreamId(w.streamId())
        .setWindowStart(Instant.ofEpochMilli(w.startTimeMs()))
        .setWindowEnd(Instant.ofEpochMilli(w.endTimeMs()))
        .setFirstSequence(w.firstSequence())
        .setLastSequence(w.lastSequence())
        .setTop(top)
        .setModelVersion(modelVersion)
        .setVocabularyVersion(vocabularyVersion)
        .setProcessingLatencyMs(latencyMs(w, nowMs))
        .setRecognizedAt(Instant.ofEpochMilli(nowMs))
        .setUnknown(s.unknown())
        .setOpenSetScore(s.openSet().map(OpenSetScore::text).orElse(null))
        .build();
  }

  /** Milliseconds from the window being complete to {@code nowMs}; never negative. */
  static double latencyMs(ClipWindow w, long nowMs) {
    return Math.max(0, nowMs - w.readyAtMs());
  }

  /** The key of a window's records: its stream id in UTF-8. */
  static byte[] key(ClipWindow w) {
    return w.streamId().getBytes(StandardCharsets.UTF_8);
  }

  /** The dead letter of a window the scorer refused for {@code reason}. */
  static DeadLetter refused(String sourceTopic, ClipWindow w, String reason, long nowMs) {
    return DeadLetterRecords.of(
        DeadLetterRecords.Source.unplaced(sourceTopic, key(w), null),
        "window of frames "
            + w.firstSequence()
            + ".."
            + w.lastSequence()
            + " of stream "
            + w.streamId()
            + " not scored: "
            + reason,
        ClipScorer.class.getName(),
        RecognizerMetrics.SERVICE,
        Instant.ofEpochMilli(nowMs));
  }
}
