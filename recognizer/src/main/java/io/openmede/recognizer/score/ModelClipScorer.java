package io.openmede.recognizer.score;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClipModel;
import io.openmede.model.ImagePreprocessor;
import io.openmede.model.VideoBatch;
import io.openmede.recognizer.swap.ModelSlot;
import io.openmede.recognizer.vocabulary.ClassEmbeddingCache;
import io.openmede.recognizer.vocabulary.VocabularySnapshot;
import io.openmede.recognizer.window.ClipWindow;
import io.openmede.recognizer.window.WindowFrame;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores windows with a {@link ClipModel}: each frame is decoded (JPEG with ImageIO, or raw RGB)
 * and preprocessed as CLIP does ({@link ImagePreprocessor}), the good windows form one {@link
 * VideoBatch} {@code [B, T, 3, R, R]}, the model embeds them, and each embedding is compared by
 * cosine with the vocabulary's class embeddings (from the {@link ClassEmbeddingCache}, so computed
 * once per class and model version), ranked with softmax at the model's logit scale.
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

  public ModelClipScorer(ModelSlot<ClipModel> slot, ClassEmbeddingCache classes) {
    this.slot = slot;
    this.classes = classes;
  }

  @Override
  public ScoredBatch score(List<ClipWindow> windows, VocabularySnapshot vocabulary, int topK) {
    try (ModelSlot.Lease<ClipModel> lease = slot.acquire()) {
      ClipModel model = lease.model();
      int r = model.config().imageResolution();
      ImagePreprocessor pre = new ImagePreprocessor(r);
      int frameSize = 3 * r * r;
      WindowScore[] out = new WindowScore[windows.size()];
      List<Integer> good = new ArrayList<>();
      List<float[]> pixels = new ArrayList<>();
      int t = -1;
      for (int i = 0; i < windows.size(); i++) {
        ClipWindow w = windows.get(i);
        if (t >= 0 && w.frames().size() != t) {
          out[i] =
              WindowScore.refused(
                  "window has " + w.frames().size() + " frames; this batch has " + t);
          continue;
        }
        try {
          float[] clip = new float[w.frames().size() * frameSize];
          int off = 0;
          for (WindowFrame f : w.frames()) {
            pre.applyInto(FrameDecoder.rgb(f), f.width(), f.height(), clip, off);
            off += frameSize;
          }
          t = w.frames().size();
          good.add(i);
          pixels.add(clip);
        } catch (IOException | RuntimeException e) {
          out[i] = WindowScore.refused(e.getMessage());
        }
      }
      if (!good.isEmpty()) {
        float[] all = new float[good.size() * t * frameSize];
        for (int j = 0; j < pixels.size(); j++) {
          System.arraycopy(pixels.get(j), 0, all, j * t * frameSize, t * frameSize);
        }
        float[][] embeddings = model.embedVideos(new VideoBatch(all, good.size(), t, r));
        ClassEmbeddings classEmbeddings = classes.embeddings(vocabulary, model, lease.version());
        for (int j = 0; j < good.size(); j++) {
          out[good.get(j)] =
              WindowScore.of(
                  Ranking.topK(
                      embeddings[j],
                      classEmbeddings.vectors(),
                      classEmbeddings.labels(),
                      model.logitScale(),
                      topK));
        }
      }
      return new ScoredBatch(lease.version(), Arrays.asList(out));
    }
  }
}
