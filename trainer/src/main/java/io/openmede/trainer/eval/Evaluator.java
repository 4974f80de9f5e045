package io.openmede.trainer.eval;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.VideoBatch;
import io.openmede.trainer.stream.DecodedClip;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * Top-1/top-5 of a model on held-out clips against class text embeddings; base/novel top-1 and
 * their harmonic mean when clips carry the split tags 'base' and 'novel'. Stateless.
 */
public final class Evaluator {

  private Evaluator() {}

  /**
   * Evaluates.
   *
   * @param embed video embeddings {@code [B][D]}, unit length
   * @param clips held-out clips (their label must be in {@code classes})
   * @param classes class text embeddings
   * @param resolution frame side R
   * @param batchSize clips per forward pass
   */
  public static EvaluationResult evaluate(
      Function<VideoBatch, float[][]> embed,
      List<DecodedClip> clips,
      ClassEmbeddings classes,
      int resolution,
      int batchSize) {
    int n = clips.size();
    int top1 = 0;
    int top5 = 0;
    int base = 0;
    int baseHit = 0;
    int novel = 0;
    int novelHit = 0;
    for (int start = 0; start < n; start += batchSize) {
      List<DecodedClip> part = clips.subList(start, Math.min(n, start + batchSize));
      int per = part.get(0).pixels().length;
      float[] pixels = new float[per * part.size()];
      for (int i = 0; i < part.size(); i++) {
        System.arraycopy(part.get(i).pixels(), 0, pixels, i * per, per);
      }
      float[][] v =
          embed.apply(new VideoBatch(pixels, part.size(), part.get(0).frames(), resolution));
      for (int i = 0; i < part.size(); i++) {
        DecodedClip c = part.get(i);
        int label = classes.labels().indexOf(c.label());
        if (label < 0) {
          throw new IllegalArgumentException(
              "label '"
                  + c.label()
                  + "' of held-out clip "
                  + c.clipId()
                  + " has no class embedding");
        }
        double own = dot(v[i], classes.vectors()[label]);
        int better = 0;
        for (int k = 0; k < classes.size(); k++) {
          if (k != label && dot(v[i], classes.vectors()[k]) > own) {
            better++;
          }
        }
        boolean hit = better == 0;
        top1 += hit ? 1 : 0;
        top5 += better < 5 ? 1 : 0;
        if ("base".equals(c.split())) {
          base++;
          baseHit += hit ? 1 : 0;
        } else if ("novel".equals(c.split())) {
          novel++;
          novelHit += hit ? 1 : 0;
        }
      }
    }
    OptionalDouble b =
        base == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) baseHit / base);
    OptionalDouble nv =
        novel == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) novelHit / novel);
    OptionalDouble hm = OptionalDouble.empty();
    if (b.isPresent() && nv.isPresent()) {
      double x = b.getAsDouble();
      double y = nv.getAsDouble();
      hm = OptionalDouble.of(x + y == 0 ? 0 : 2 * x * y / (x + y));
    }
    return new EvaluationResult(
        n, n == 0 ? 0 : (double) top1 / n, n == 0 ? 0 : (double) top5 / n, b, nv, hm);
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
