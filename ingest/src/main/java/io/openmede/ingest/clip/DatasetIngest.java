package io.openmede.ingest.clip;

import io.openmede.ingest.source.SourceException;
import io.openmede.schemas.avro.LabeledClip;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs a dataset list through a {@link ClipExtractor} into a sink, video by video. A video that
 * fails is recorded in the report and the rest of the list continues.
 */
public final class DatasetIngest {
  private DatasetIngest() {}

  /**
   * @param list the parsed list (its unusable lines go into the report too)
   * @param extractor cuts the clips
   * @param sink receives each clip in list order (a producer's send)
   * @param stopRequested polled between videos; true stops early
   * @param afterVideo called after each video with the report so far (progress display)
   */
  public static ClipReport run(
      DatasetList list,
      ClipExtractor extractor,
      Consumer<LabeledClip> sink,
      BooleanSupplier stopRequested,
      Consumer<ClipReport> afterVideo) {
    ClipReport report = new ClipReport();
    list.problems().forEach(report::listProblem);
    for (DatasetEntry entry : list.entries()) {
      if (stopRequested.getAsBoolean()) {
        break;
      }
      try {
        ClipExtractor.Extraction extraction = extractor.extract(entry);
        extraction.clips().forEach(sink);
        extraction.warnings().forEach(report::warning);
        report.videoDone(extraction.clips().size());
      } catch (SourceException | RuntimeException e) {
        report.videoFailed(
            "line " + entry.line() + " " + entry.listedPath() + ": " + e.getMessage());
      }
      afterVideo.accept(report);
    }
    return report;
  }
}
