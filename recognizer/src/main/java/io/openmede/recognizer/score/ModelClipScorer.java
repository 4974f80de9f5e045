package io.openmede.recognizer.score;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClipModel;
import io.openmede.model.ImagePreprocessor;
import io.openmede.model.VideoBatch;
import io.openmede.model.openset.OpenSetScore;
import io.openmede.recognizer.swap.ModelSlot;
import io.openmede.recognizer.vocabulary.ClassEmbeddingCache;
import io.openmede.recognizer.vocabulary.VocabularyClass;
import io.openmede.recognizer.vocabulary.VocabularySnapshot;
import io.openmede.recognizer.window.ClipWindow;
import io.openmede.recognizer.window.WindowFrame;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Scores windows with a {@link ClipModel}. {@link #prepare} (on the stream thread when pipelined):
 * each frame is decoded (JPEG with ImageIO, or raw RGB) and preprocessed as CLIP does ({@link
 * ImagePreprocessor}), the good windows form one {@link VideoBatch} {@code [B, T, 3, R, R]}; {@link
 * #score(Prepared, VocabularySnapshot, int)} (on the scoring thread): the model embeds them, and
 * each embedding is compared by cosine with the vocabulary's class embeddings (from the {@link
 * ClassEmbeddingCache}, so computed once per class and model version), ranked with softmax at the
 * model's logit scale.
 *
 * <p>The model comes from a {@link ModelSlot}, leased once per batch: a swap takes effect between
 * batches, and the old model is closed only after the batch that uses it. Windows in one batch must
 * have the same number of frames (one window configuration per topology).
 *
 * <p>Thread-safety: safe to share between threads if the model's inference is (it is documented
 * so); the service still gives each device its own instance.
 */
public final class ModelClipScorer implements ClipScorer {

  private final ModelSlot<ClipModel> slot;
  private final ClassEmbeddingCache classes;
  private final Optional<OpenSetThresholdBook> thresholds;
  private final ClassEmbeddingCache background;

  /** A scorer that decides nothing about unknown windows. */
  public ModelClipScorer(ModelSlot<ClipModel> slot, ClassEmbeddingCache classes) {
    this(slot, classes, Optional.empty(), classes);
  }

  /**
   * A scorer that decides, for each window, whether anything of the vocabulary happens in it, under
   * the thresholds that the leased model version brought ({@code thresholds}).
   *
   * @param background the cache of the background classes' embeddings (the background score), not
   *     the vocabulary's: its memo is of one snapshot
   */
  public ModelClipScorer(
      ModelSlot<ClipModel> slot,
      ClassEmbeddingCache classes,
      Optional<OpenSetThresholdBook> thresholds,
      ClassEmbeddingCache background) {
    this.slot = slot;
    this.classes = classes;
    this.thresholds = thresholds;
    this.background = background;
  }

  /**
   * Frames decoded and preprocessed for a model of one input resolution.
   *
   * @param windows the batch
   * @param resolution R of the model it was made for
   * @param frames T of the good windows (-1 when none is good)
   * @param pixels {@code [good, T, 3, R, R]} normalised floats
   * @param good indices of the windows in {@code pixels}, in order
   * @param refusals per window, why it cannot be scored (null for good ones)
   */
  private record Input(
      List<ClipWindow> windows,
      int resolution,
      int frames,
      float[] pixels,
      int[] good,
      String[] refusals)
      implements Prepared {}

  @Override
  public Prepared prepare(List<ClipWindow> windows) {
    return prepare(windows, slot.peek().config().imageResolution());
  }

  private static Input prepare(List<ClipWindow> windows, int r) {
    ImagePreprocessor pre = new ImagePreprocessor(r);
    int frameSize = 3 * r * r;
    String[] refusals = new String[windows.size()];
    int[] good = new int[windows.size()];
    int goodCount = 0;
    float[] pixels = new float[0];
    byte[] scratch = null;
    int t = -1;
    for (int i = 0; i < windows.size(); i++) {
      ClipWindow w = windows.get(i);
      if (t >= 0 && w.frames().size() != t) {
        refusals[i] = "window has " + w.frames().size() + " frames; this batch has " + t;
        continue;
      }
      if (t < 0) {
        pixels = new float[windows.size() * w.frames().size() * frameSize];
      }
      // straight into the batch at the next good slot; a window that fails part-way leaves the
      // slot to the next good one
      try {
        int off = goodCount * w.frames().size() * frameSize;
        for (WindowFrame f : w.frames()) {
          byte[] rgb = FrameDecoder.rgb(f, scratch);
          if (rgb != f.data()) {
            scratch = rgb; // decoded: the next frame of this size decodes into the same array
          }
          pre.applyInto(rgb, f.width(), f.height(), pixels, off);
          off += frameSize;
        }
        t = w.frames().size();
        good[goodCount++] = i;
      } catch (IOException | RuntimeException e) {
        refusals[i] = String.valueOf(e.getMessage());
      }
    }
    if (goodCount < windows.size()) {
      pixels = Arrays.copyOf(pixels, Math.max(0, goodCount * t * frameSize));
    }
    return new Input(List.copyOf(windows), r, t, pixels, Arrays.copyOf(good, goodCount), refusals);
  }

  @Override
  public ScoredBatch score(List<ClipWindow> windows, VocabularySnapshot vocabulary, int topK) {
    return score(prepare(windows), vocabulary, topK);
  }

  @Override
  public ScoredBatch score(Prepared batch, VocabularySnapshot vocabulary, int topK) {
    try (ModelSlot.Lease<ClipModel> lease = slot.acquire()) {
      ClipModel model = lease.model();
      int r = model.config().imageResolution();
      Input in =
          batch instanceof Input i && i.resolution() == r
              ? i
              : prepare(batch.windows(), r); // made for another model (swapped meanwhile)
      WindowScore[] out = new WindowScore[in.windows().size()];
      for (int i = 0; i < out.length; i++) {
        if (in.refusals()[i] != null) {
          out[i] = WindowScore.refused(in.refusals()[i]);
        }
      }
      int[] good = in.good();
      if (good.length > 0) {
        float[][] embeddings =
            model.embedVideos(new VideoBatch(in.pixels(), good.length, in.frames(), r));
        ClassEmbeddings classEmbeddings = classes.embeddings(vocabulary, model, lease.version());
        Optional<OpenSetThresholdBook.Entry> entry =
            thresholds.flatMap(t -> t.forVersion(lease.version()));
        float[][] backgroundVectors = backgroundVectors(entry, vocabulary, model, lease.version());
        for (int j = 0; j < good.length; j++) {
          out[good[j]] =
              Ranking.score(
                  embeddings[j],
                  classEmbeddings.vectors(),
                  classEmbeddings.labels(),
                  backgroundVectors,
                  model.logitScale(),
                  topK,
                  entry.map(OpenSetThresholdBook.Entry::calibration),
                  entry.flatMap(OpenSetThresholdBook.Entry::region));
        }
      }
      return new ScoredBatch(lease.version(), Arrays.asList(out));
    }
  }

  /**
   * The embeddings of the background classes the thresholds were fitted with, for the background
   * score; none otherwise. A background name that is also a vocabulary label is left out.
   */
  private float[][] backgroundVectors(
      Optional<OpenSetThresholdBook.Entry> entry,
      VocabularySnapshot vocabulary,
      ClipModel model,
      String version) {
    if (entry.isEmpty()
        || entry.get().calibration().score() != OpenSetScore.BACKGROUND
        || entry.get().background().isEmpty()) {
      return new float[0][];
    }
    List<String> labels = vocabulary.labels();
    List<VocabularyClass> names =
        entry.get().background().stream()
            .filter(b -> !labels.contains(b))
            .map(b -> new VocabularyClass(b, List.of()))
            .toList();
    if (names.isEmpty()) {
      return new float[0][];
    }
    // the snapshot's version names the list, so the background cache's memo is of this list
    return background
        .embeddings(new VocabularySnapshot(names.hashCode(), names), model, version)
        .vectors();
  }
}
