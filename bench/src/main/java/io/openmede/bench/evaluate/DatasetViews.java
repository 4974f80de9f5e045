package io.openmede.bench.evaluate;

import io.openmede.ingest.clip.ClipExtractor;
import io.openmede.ingest.clip.ClipSampling;
import io.openmede.ingest.clip.DatasetEntry;
import io.openmede.ingest.source.SourceException;
import io.openmede.model.ImagePreprocessor;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.trainer.stream.ClipDecoder;
import io.openmede.trainer.stream.ClipRejectedException;
import io.openmede.trainer.stream.DecodedClip;
import io.openmede.trainer.stream.TrainingVocabulary;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The test views of a dataset list's videos, cut the way {@code openmede ingest list} cuts them
 * (the same {@link ClipExtractor}: FFmpeg front to back, V clips per video) and decoded the way the
 * trainer decodes held-out clips (the same {@link ClipDecoder}), so offline and online evaluation
 * see the same pixels. A video that cannot be read is reported and skipped.
 */
final class DatasetViews {

  /** The decoded views, and one line per skipped video. */
  record Result(List<DecodedClip> views, List<String> skipped, int videos) {}

  /** Seconds between progress lines. */
  static final double PROGRESS_SECONDS = 5;

  private DatasetViews() {}

  static Result decode(
      List<DatasetEntry> entries,
      ClipSampling sampling,
      int views,
      int resolution,
      PrintStream progress) {
    List<DecodedClip> out = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    ClipDecoder decoder =
        new ClipDecoder(
            sampling.frames(),
            new ImagePreprocessor(resolution),
            TrainingVocabulary.open(List.of()));
    long started = System.nanoTime();
    int done = 0;
    double lastLine = -PROGRESS_SECONDS;
    try (ClipExtractor extractor =
        new ClipExtractor(sampling, views, Optional.empty(), 95, "eval", Integer.MAX_VALUE)) {
      for (DatasetEntry e : entries) {
        done++;
        try {
          ClipExtractor.Extraction x = extractor.extract(e);
          x.warnings().forEach(w -> progress.println("warning: " + w));
          for (LabeledClip c : x.clips()) {
            out.add(decoder.decode(c));
          }
        } catch (SourceException | ClipRejectedException | RuntimeException ex) {
          skipped.add(e.listedPath() + " (list line " + e.line() + "): " + ex.getMessage());
          progress.println("skipped " + e.listedPath() + ": " + ex.getMessage());
        }
        double secs = (System.nanoTime() - started) / 1e9;
        if (secs - lastLine < PROGRESS_SECONDS && done < entries.size()) {
          continue;
        }
        lastLine = secs;
        progress.printf(
            Locale.ROOT,
            "decoded %d/%d videos in %.0f s, about %.0f s left%n",
            done,
            entries.size(),
            secs,
            secs / done * (entries.size() - done));
      }
    }
    return new Result(out, skipped, entries.size() - skipped.size());
  }
}
