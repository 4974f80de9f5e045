package io.openmede.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openmede.model.ClassEmbeddings;
import io.openmede.trainer.stream.DecodedClip;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

  /** Six one-hot classes; a clip's "pixels" hold the embedding a fake embedder returns. */
  private static final List<String> LABELS = List.of("a", "b", "c", "d", "e", "f");

  private static ClassEmbeddings classes() {
    float[][] v = new float[6][6];
    for (int i = 0; i < 6; i++) {
      v[i][i] = 1;
    }
    return new ClassEmbeddings(LABELS, v);
  }

  private static DecodedClip clip(String label, String split, float... embedding) {
    return new DecodedClip(label + split, label, -1, split, embedding, 2);
  }

  private static DecodedClip view(String video, String label, String split, float... embedding) {
    return new DecodedClip(video + "#" + embedding[0], label, -1, split, embedding, 2, video);
  }

  private static float[][] identity(io.openmede.model.VideoBatch batch) {
    float[][] out = new float[batch.batch()][6];
    for (int i = 0; i < batch.batch(); i++) {
      System.arraycopy(batch.pixels(), i * 6, out[i], 0, 6);
    }
    return out;
  }

  @Test
  void evaluate_countsTop1Top5_andBaseNovelHarmonicMean() {
    List<DecodedClip> clips =
        List.of(
            clip("a", "base", 1, 0, 0, 0, 0, 0), // top-1 hit
            clip("b", "base", 0.9f, 0.1f, 0, 0, 0, 0), // rank 2: top-5 only
            clip("c", "novel", 0, 0, 1, 0, 0, 0), // hit
            clip("f", "novel", 0.6f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f)); // rank 6 of all; 2 of {c, f}
    EvaluationResult r =
        Evaluator.evaluate(EvaluatorTest::identity, clips, classes(), List.of("a", "b"), 10, 1, 3);
    assertThat(r.clips()).isEqualTo(4);
    assertThat(r.videos()).isEqualTo(4);
    assertThat(r.top1()).isEqualTo(0.5);
    assertThat(r.top5()).isEqualTo(0.75);
    assertThat(r.baseTop1().getAsDouble()).isEqualTo(0.5);
    assertThat(r.novelTop1().getAsDouble()).isEqualTo(0.5);
    assertThat(r.harmonicMean().getAsDouble()).isCloseTo(0.5, within(1e-12));
    assertThat(r.metrics("eval")).containsEntry("eval.top1", 0.5).containsKey("eval.hm");
  }

  @Test
  void evaluate_ranksBaseAmongBaseAndNovelAmongNovel_andAveragesViews() {
    List<DecodedClip> clips =
        List.of(
            // base video "x", two views: the second leans to novel class d, but among the base
            // labels {a, b} both views favour a
            view("x", "a", "base", 0.9f, 0.1f, 0, 0, 0, 0),
            view("x", "a", "base", 0.5f, 0, 0, 0.9f, 0, 0),
            // novel video "y": leans to base class a, yet among the novel labels {d, e} it is e
            view("y", "e", "novel", 0.9f, 0, 0, 0.1f, 0.3f, 0));
    EvaluationResult r =
        Evaluator.evaluate(EvaluatorTest::identity, clips, classes(), List.of("a", "b"), 10, 1, 2);
    assertThat(r.clips()).isEqualTo(3);
    assertThat(r.videos()).isEqualTo(2);
    assertThat(r.baseTop1().getAsDouble()).isEqualTo(1.0);
    assertThat(r.novelTop1().getAsDouble()).isEqualTo(1.0);
    // among all six labels video y's best is a, not e
    assertThat(r.top1()).isEqualTo(0.5);
  }
}
