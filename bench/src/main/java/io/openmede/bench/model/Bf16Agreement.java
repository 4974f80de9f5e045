package io.openmede.bench.model;

import io.openmede.bench.pretrain.WorldData;
import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.DefaultWeights;
import io.openmede.model.ImagePreprocessor;
import io.openmede.model.InferenceDtype;
import io.openmede.model.VideoBatch;
import io.openmede.world.Action;
import io.openmede.world.Clip;
import io.openmede.world.SyntheticWorld;
import io.openmede.world.TestSet;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * Whether bfloat16 inference picks the same label as float32: the bundled pretrained tiny model on
 * the synthetic world's test clips (base and novel actions, in and out of context), each clip
 * ranked among all the world's action names, top-1 compared clip by clip.
 */
final class Bf16Agreement {

  private static final List<TestSet> SETS =
      List.of(
          TestSet.BASE_IN_CONTEXT,
          TestSet.NOVEL_IN_CONTEXT,
          TestSet.BASE_OUT_OF_CONTEXT,
          TestSet.NOVEL_OUT_OF_CONTEXT);

  /** Seed of the test clips (the generalization benchmark's first seed's test clips). */
  private static final long TEST_SEED = 1_000L;

  private static final int CHUNK = 32;

  private Bf16Agreement() {}

  /**
   * Measures and prints the agreement (and each dtype's accuracy against the clips' true labels).
   *
   * @return the share of clips with the same top-1 label in both dtypes
   */
  static double measure(PrintStream out, ComputeDevice device, int clipsPerAction) {
    SyntheticWorld world = SyntheticWorld.withDefaults();
    ImagePreprocessor pre = new ImagePreprocessor(world.settings().frameSize());
    List<Action> labels = List.of(Action.values());
    try (ClipModel model = DefaultWeights.loadTiny(device)) {
      ClassEmbeddings classes = WorldData.classes(model, labels);
      int same = 0;
      int right32 = 0;
      int right16 = 0;
      int total = 0;
      for (TestSet set : SETS) {
        List<Clip> clips = world.testClips(set, clipsPerAction, TEST_SEED);
        for (int start = 0; start < clips.size(); start += CHUNK) {
          List<Clip> part = clips.subList(start, Math.min(clips.size(), start + CHUNK));
          VideoBatch batch = WorldData.videoBatch(part, pre);
          model.setInferenceDtype(InferenceDtype.F32);
          int[] top32 = top1(model.embedVideos(batch), classes);
          model.setInferenceDtype(InferenceDtype.BF16);
          int[] top16 = top1(model.embedVideos(batch), classes);
          for (int i = 0; i < part.size(); i++) {
            int truth = labels.indexOf(part.get(i).action());
            same += top32[i] == top16[i] ? 1 : 0;
            right32 += top32[i] == truth ? 1 : 0;
            right16 += top16[i] == truth ? 1 : 0;
          }
          total += part.size();
        }
      }
      double agreement = same / (double) total;
      out.printf(
          Locale.ROOT,
          "bfloat16 top-1 agreement with float32 (bundled tiny weights, %d world test clips of"
              + " %s, %d labels): %d of %d = %.4f; top-1 accuracy float32 %.4f, bfloat16 %.4f%n",
          total,
          SETS,
          labels.size(),
          same,
          total,
          agreement,
          right32 / (double) total,
          right16 / (double) total);
      return agreement;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the bundled tiny weights", e);
    }
  }

  /** Index of the highest cosine per row (unit rows against unit class vectors). */
  static int[] top1(float[][] videos, ClassEmbeddings classes) {
    int[] out = new int[videos.length];
    float[][] c = classes.vectors();
    for (int i = 0; i < videos.length; i++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < c.length; k++) {
        double dot = 0;
        for (int j = 0; j < c[k].length; j++) {
          dot += videos[i][j] * c[k][j];
        }
        if (dot > best) {
          best = dot;
          out[i] = k;
        }
      }
    }
    return out;
  }
}
