package io.openmede.bench.pretrain;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClassTextEncoder;
import io.openmede.model.ClipModel;
import io.openmede.model.ImagePreprocessor;
import io.openmede.model.VideoBatch;
import io.openmede.model.text.ClipTokenizer;
import io.openmede.world.Action;
import io.openmede.world.ActorColour;
import io.openmede.world.CaptionedStill;
import io.openmede.world.Clip;
import io.openmede.world.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The synthetic world's pixels and names in the model's terms: stills and clips as CLIP-normalised
 * floats, action names as class text embeddings, and zero-shot scoring. Stateless.
 */
public final class WorldData {

  private WorldData() {}

  /**
   * The prompt templates used for class names: one per actor colour and shape, {@code "a photo of a
   * red disc {}"}, in the words of the caption corpus (its captions read {@code "a photo of a red
   * disc gliding across on a blue striped background"}), ensembled as CLIP does with its 80
   * templates.
   */
  public static List<String> promptTemplates() {
    List<String> t = new ArrayList<>();
    for (ActorColour c : ActorColour.values()) {
      for (Shape s : Shape.values()) {
        String phrase = c.word() + " " + s.word();
        String article = "aeiou".indexOf(phrase.charAt(0)) >= 0 ? "an " : "a ";
        t.add("a photo of " + article + phrase + " {}");
      }
    }
    return List.copyOf(t);
  }

  /** Class text embeddings of {@code actions} (in order) with {@link #promptTemplates()}. */
  public static ClassEmbeddings classes(ClipModel model, List<Action> actions) {
    ClipTokenizer tok = ClipTokenizer.standard();
    ClassTextEncoder enc = new ClassTextEncoder(tok::encodePadded, promptTemplates());
    List<String> labels = new ArrayList<>();
    for (Action a : actions) {
      labels.add(a.label());
    }
    return enc.encode(model, labels);
  }

  /** Stills as {@code [n, 3, R, R]} CLIP-normalised floats. */
  public static float[] stillPixels(List<CaptionedStill> stills, ImagePreprocessor pre) {
    int per = 3 * pre.resolution() * pre.resolution();
    float[] out = new float[stills.size() * per];
    for (int i = 0; i < stills.size(); i++) {
      CaptionedStill s = stills.get(i);
      pre.applyInto(s.rgb(), s.width(), s.height(), out, i * per);
    }
    return out;
  }

  /** One clip as {@code [T, 3, R, R]} CLIP-normalised floats. */
  public static float[] clipPixels(Clip clip, ImagePreprocessor pre) {
    int per = 3 * pre.resolution() * pre.resolution();
    float[] out = new float[clip.frameCount() * per];
    for (int f = 0; f < clip.frameCount(); f++) {
      pre.applyInto(clip.frames().get(f), clip.width(), clip.height(), out, f * per);
    }
    return out;
  }

  /** Clips (all with T frames) as one video batch. */
  public static VideoBatch videoBatch(List<Clip> clips, ImagePreprocessor pre) {
    int t = clips.get(0).frameCount();
    int per = t * 3 * pre.resolution() * pre.resolution();
    float[] px = new float[clips.size() * per];
    for (int i = 0; i < clips.size(); i++) {
      if (clips.get(i).frameCount() != t) {
        throw new IllegalArgumentException("clips of one batch need the same frame count");
      }
      System.arraycopy(clipPixels(clips.get(i), pre), 0, px, i * per, per);
    }
    return new VideoBatch(px, clips.size(), t, pre.resolution());
  }

  /**
   * Softmax probabilities of {@code scale · cos(v, class)} for unit vectors.
   *
   * @return {@code [n][k]}
   */
  public static double[][] probabilities(
      float[][] embeddings, ClassEmbeddings classes, double scale) {
    int k = classes.size();
    double[][] out = new double[embeddings.length][k];
    for (int i = 0; i < embeddings.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        double dot = 0;
        float[] c = classes.vectors()[j];
        for (int d = 0; d < c.length; d++) {
          dot += embeddings[i][d] * c[d];
        }
        out[i][j] = scale * dot;
        max = Math.max(max, out[i][j]);
      }
      double z = 0;
      for (int j = 0; j < k; j++) {
        out[i][j] = Math.exp(out[i][j] - max);
        z += out[i][j];
      }
      for (int j = 0; j < k; j++) {
        out[i][j] /= z;
      }
    }
    return out;
  }

  /** Rank of {@code label} among the scores of one row (0 = best; ties count against). */
  public static int rank(double[] scores, int label) {
    int r = 0;
    for (int j = 0; j < scores.length; j++) {
      if (j != label && scores[j] >= scores[label]) {
        r++;
      }
    }
    return r;
  }

  /** L2-normalises rows. */
  public static float[][] unitRows(float[][] rows) {
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      double n = 0;
      for (float x : rows[i]) {
        n += x * x;
      }
      double inv = n == 0 ? 0 : 1 / Math.sqrt(n);
      out[i] = new float[rows[i].length];
      for (int d = 0; d < rows[i].length; d++) {
        out[i][d] = (float) (rows[i][d] * inv);
      }
    }
    return out;
  }

  /** Top-1 of still images over {@code actions}, by their own action. */
  public static double stillTop1(
      ClipModel model, List<CaptionedStill> stills, List<Action> actions) {
    ImagePreprocessor pre = new ImagePreprocessor(model.config().imageResolution());
    ClassEmbeddings classes = classes(model, actions);
    int correct = 0;
    int chunk = 256;
    for (int start = 0; start < stills.size(); start += chunk) {
      List<CaptionedStill> part = stills.subList(start, Math.min(stills.size(), start + chunk));
      float[][] emb = unitRows(model.encodeImages(stillPixels(part, pre), part.size()));
      double[][] p = probabilities(emb, classes, model.logitScale());
      for (int i = 0; i < part.size(); i++) {
        if (rank(p[i], actions.indexOf(part.get(i).action())) == 0) {
          correct++;
        }
      }
    }
    return correct / (double) stills.size();
  }

  /** Top-1 of video clips over {@code actions} (video learner, frame average). */
  public static double videoTop1(ClipModel model, List<Clip> clips, List<Action> actions) {
    ImagePreprocessor pre = new ImagePreprocessor(model.config().imageResolution());
    ClassEmbeddings classes = classes(model, actions);
    int correct = 0;
    int chunk = 32;
    for (int start = 0; start < clips.size(); start += chunk) {
      List<Clip> part = clips.subList(start, Math.min(clips.size(), start + chunk));
      float[][] emb = model.embedVideos(videoBatch(part, pre));
      double[][] p = probabilities(emb, classes, model.logitScale());
      for (int i = 0; i < part.size(); i++) {
        if (rank(p[i], actions.indexOf(part.get(i).action())) == 0) {
          correct++;
        }
      }
    }
    return correct / (double) clips.size();
  }
}
