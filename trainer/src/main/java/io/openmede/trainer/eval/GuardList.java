package io.openmede.trainer.eval;

import io.openmede.ingest.clip.ClipExtractor;
import io.openmede.ingest.clip.ClipSampling;
import io.openmede.ingest.clip.DatasetEntry;
import io.openmede.ingest.clip.DatasetList;
import io.openmede.ingest.frame.FrameSize;
import io.openmede.ingest.source.SourceException;
import io.openmede.schemas.avro.LabeledClip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The gate's guard set from a deployment's dataset list ({@code trainer.guard.list}): videos of
 * labels the trainer does not train on, in the format of {@code openmede ingest list} (CSV {@code
 * path,label} or text {@code path label}), decoded once at start into one clip each (T frames in T
 * equal segments) and scored zero-shot by the gate among the guard labels.
 *
 * <p>A file input like any other: the list is at most {@link Bounds#maxListBytes()} bytes, at most
 * {@link Bounds#maxVideos()} videos are read, each at most {@link Bounds#maxVideoBytes()}, and
 * every video must lie inside the list's directory once links are resolved (no {@code ..}, no
 * absolute path or link out of it). A video that breaks a rule, cannot be decoded or is labelled
 * with a trained label is skipped with a reason in {@link Loaded#problems()}; the rest is used.
 */
public final class GuardList {

  /** The split of the guard clips: the same as the stream's zero-shot guard clips. */
  public static final String SPLIT = Evaluator.NOVEL;

  private GuardList() {}

  /**
   * Limits on what a guard list may make the trainer read.
   *
   * @param maxListBytes largest list file
   * @param maxVideos videos read at most (the rest of the list is skipped, and said so)
   * @param maxVideoBytes largest video file
   */
  public record Bounds(long maxListBytes, int maxVideos, long maxVideoBytes) {
    public Bounds {
      if (maxListBytes < 1 || maxVideos < 1 || maxVideoBytes < 1) {
        throw new IllegalArgumentException(
            "guard list bounds must be positive, got list "
                + maxListBytes
                + " bytes, "
                + maxVideos
                + " videos, video "
                + maxVideoBytes
                + " bytes");
      }
    }
  }

  /**
   * What a guard list gave.
   *
   * @param clips one clip per usable video, split {@link #SPLIT}, in list order
   * @param problems one line per skipped list line or video, with the reason
   */
  public record Loaded(List<LabeledClip> clips, List<String> problems) {
    public Loaded {
      clips = List.copyOf(clips);
      problems = List.copyOf(problems);
    }
  }

  /**
   * Reads and decodes a guard list.
   *
   * @param list the dataset list; relative video paths are resolved against its directory
   * @param frames T, frames per clip (the trainer's)
   * @param side frame side in pixels the clips are decoded at (the model's resolution)
   * @param trained the labels the trainer trains on (a guard video of one is skipped); empty with
   *     an open vocabulary
   * @throws IOException when the list itself is missing, too large or unreadable (the message names
   *     the setting and the fix)
   */
  public static Loaded read(Path list, int frames, int side, Set<String> trained, Bounds bounds)
      throws IOException {
    if (!Files.isRegularFile(list)) {
      throw new IOException(
          "trainer.guard.list "
              + list
              + " is not a file; give a dataset list (CSV path,label or text 'path label'), or"
              + " clear the setting");
    }
    long size = Files.size(list);
    if (size > bounds.maxListBytes()) {
      throw new IOException(
          "trainer.guard.list "
              + list
              + " has "
              + size
              + " bytes, more than trainer.guard.max-list-bytes "
              + bounds.maxListBytes()
              + "; shorten the list or raise the setting");
    }
    Path root = list.toAbsolutePath().getParent().toRealPath();
    DatasetList parsed = DatasetList.read(list, root, Optional.empty());
    List<String> problems = new ArrayList<>(parsed.problems());
    List<LabeledClip> clips = new ArrayList<>();
    List<DatasetEntry> entries = parsed.entries();
    if (entries.size() > bounds.maxVideos()) {
      problems.add(
          list
              + ": "
              + entries.size()
              + " videos listed, only the first trainer.guard.max-videos "
              + bounds.maxVideos()
              + " are read");
      entries = entries.subList(0, bounds.maxVideos());
    }
    try (ClipExtractor extractor =
        new ClipExtractor(
            ClipSampling.segments(frames),
            1,
            Optional.of(FrameSize.fixed(side, side)),
            90,
            SPLIT,
            Integer.MAX_VALUE)) {
      for (DatasetEntry e : entries) {
        String where = list + " line " + e.line() + " (" + e.listedPath() + ")";
        if (trained.contains(e.label())) {
          problems.add(
              where
                  + ": label '"
                  + e.label()
                  + "' is trained on; a guard video must be of a label the trainer does not train"
                  + " on (trainer.vocabulary)");
          continue;
        }
        Optional<String> refused = confinement(e.video(), root, bounds);
        if (refused.isPresent()) {
          problems.add(where + ": " + refused.get());
          continue;
        }
        try {
          for (LabeledClip c : extractor.extract(e).clips()) {
            c.setClipId("guard:" + e.listedPath() + "#0");
            clips.add(c);
          }
        } catch (SourceException | RuntimeException ex) {
          problems.add(where + ": " + ex.getMessage());
        }
      }
    }
    return new Loaded(clips, problems);
  }

  /** Why {@code video} may not be read, or empty: it must be a file inside {@code root}. */
  static Optional<String> confinement(Path video, Path root, Bounds bounds) throws IOException {
    if (!Files.isRegularFile(video)) {
      return Optional.of("no such video file " + video);
    }
    Path real = video.toRealPath();
    if (!real.startsWith(root)) {
      return Optional.of(
          "the video "
              + real
              + " is outside the list's directory "
              + root
              + "; guard videos must lie inside it");
    }
    long size = Files.size(real);
    if (size > bounds.maxVideoBytes()) {
      return Optional.of(
          "the video has "
              + size
              + " bytes, more than trainer.guard.max-video-bytes "
              + bounds.maxVideoBytes());
    }
    return Optional.empty();
  }
}
