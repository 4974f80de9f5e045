package io.openmede.trainer.eval;

import io.openmede.model.VideoBatch;
import io.openmede.trainer.stream.DecodedClip;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Embeds decoded clips in batches, keeping each clip's video id and label. Stateless. */
public final class ViewEmbedder {

  private ViewEmbedder() {}

  /**
   * Embeds {@code clips}.
   *
   * @param embed video embeddings {@code [B][D]}, unit length
   * @param clips the views (all with the same frame count)
   * @param resolution frame side R
   * @param batchSize clips per forward pass
   */
  public static List<ViewEmbedding> embed(
      Function<VideoBatch, float[][]> embed,
      List<DecodedClip> clips,
      int resolution,
      int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size " + batchSize + " must be >= 1");
    }
    List<ViewEmbedding> out = new ArrayList<>(clips.size());
    for (int start = 0; start < clips.size(); start += batchSize) {
      List<DecodedClip> part = clips.subList(start, Math.min(clips.size(), start + batchSize));
      int per = part.get(0).pixels().length;
      float[] pixels = new float[per * part.size()];
      for (int i = 0; i < part.size(); i++) {
        System.arraycopy(part.get(i).pixels(), 0, pixels, i * per, per);
      }
      float[][] v =
          embed.apply(new VideoBatch(pixels, part.size(), part.get(0).frames(), resolution));
      for (int i = 0; i < part.size(); i++) {
        DecodedClip c = part.get(i);
        out.add(new ViewEmbedding(c.videoId(), c.label(), v[i]));
      }
    }
    return out;
  }
}
