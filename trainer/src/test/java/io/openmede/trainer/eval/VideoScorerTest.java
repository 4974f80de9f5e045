package io.openmede.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.openmede.model.ClassEmbeddings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-video view averaging, label spaces and per-class accuracy, computed by hand. */
class VideoScorerTest {

  private static final ClassEmbeddings CLASSES =
      new ClassEmbeddings(List.of("a", "b", "c"), new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
  private static final LabelSpace ALL = new LabelSpace("all", List.of("a", "b", "c"));

  private static ViewEmbedding view(String video, String label, float... e) {
    return new ViewEmbedding(video, label, e);
  }

  @Test
  void viewsOfAVideoAreAveragedAsProbabilities() {
    // scale ln(1) = 0 would be flat; use scale 1 so softmax of cosines is easy by hand.
    // view 1 leans to b (0.1 vs 0.6), view 2 strongly to a (1.0): the average picks a.
    List<ViewEmbedding> views = List.of(view("v", "a", 0.1f, 0.6f, 0), view("v", "a", 1.0f, 0, 0));
    VideoEvaluation e = VideoScorer.score(views, ALL, CLASSES, 1);
    assertThat(e.videos()).hasSize(1);
    VideoResult r = e.videos().get(0);
    assertThat(r.views()).isEqualTo(2);
    double[] p1 = softmax(0.1, 0.6, 0);
    double[] p2 = softmax(1.0, 0, 0);
    double pa = (p1[0] + p2[0]) / 2;
    double pb = (p1[1] + p2[1]) / 2;
    assertThat(pa).isGreaterThan(pb); // by hand: 0.429 vs 0.338
    assertThat(r.rank()).isZero();
    assertThat(r.top()).containsExactly("a", "b", "c");
    assertThat(r.probabilities().get(0)).isCloseTo(pa, within(1e-7));
    assertThat(r.probabilities().get(1)).isCloseTo(pb, within(1e-7));
    // scored alone, the first view is a miss: averaging changed the outcome
    assertThat(VideoScorer.score(views.subList(0, 1), ALL, CLASSES, 1).top1()).isZero();
    assertThat(e.views()).isEqualTo(2);
  }

  @Test
  void eachVideoIsOneVoteWhateverItsViews() {
    List<ViewEmbedding> views =
        List.of(
            view("v1", "a", 1, 0, 0),
            view("v1", "a", 1, 0, 0),
            view("v1", "a", 1, 0, 0),
            view("v2", "b", 1, 0, 0));
    VideoEvaluation e = VideoScorer.score(views, ALL, CLASSES, 10);
    assertThat(e.videos()).extracting(VideoResult::videoId).containsExactly("v1", "v2");
    assertThat(e.top1()).isEqualTo(0.5); // per clip it would be 0.75
    assertThat(e.perClassTop1()).containsEntry("a", 1.0).containsEntry("b", 0.0);
    assertThat(e.meanClassTop1()).isEqualTo(0.5);
  }

  @Test
  void theLabelSpaceDecidesWhatAVideoCompetesWith() {
    // leans to c, then b, then a: among all labels it ranks 3rd; among {a, b} 2nd; among {a} 1st
    List<ViewEmbedding> views = List.of(view("v", "a", 0.1f, 0.5f, 0.9f));
    assertThat(VideoScorer.score(views, ALL, CLASSES, 5).videos().get(0).rank()).isEqualTo(2);
    LabelSpace ab = new LabelSpace("base", List.of("a", "b"));
    VideoEvaluation base = VideoScorer.score(views, ab, CLASSES, 5);
    assertThat(base.videos().get(0).rank()).isEqualTo(1);
    assertThat(base.classes()).isEqualTo(2);
    assertThat(base.top5()).isEqualTo(1.0);
    LabelSpace onlyA = new LabelSpace("a", List.of("a"));
    assertThat(VideoScorer.score(views, onlyA, CLASSES, 5).top1()).isEqualTo(1.0);
  }

  @Test
  void tiesCountAgainstTheLabel() {
    List<ViewEmbedding> views = List.of(view("v", "b", 0, 0, 0));
    assertThat(VideoScorer.score(views, ALL, CLASSES, 1).videos().get(0).rank()).isEqualTo(2);
  }

  @Test
  void refusesALabelOutsideTheSpaceAndVideosWithTwoLabels() {
    LabelSpace ab = new LabelSpace("base", List.of("a", "b"));
    assertThatThrownBy(() -> VideoScorer.score(List.of(view("v", "c", 0, 0, 1)), ab, CLASSES, 1))
        .hasMessageContaining("not in label space 'base'");
    assertThatThrownBy(
            () ->
                VideoScorer.score(
                    List.of(view("v", "a", 1, 0, 0), view("v", "b", 0, 1, 0)), ALL, CLASSES, 1))
        .hasMessageContaining("views labelled 'a' and 'b'");
    assertThatThrownBy(() -> new LabelSpace("x", List.of("a", "a")))
        .hasMessageContaining("repeats");
    assertThatThrownBy(() -> new LabelSpace("x", List.of("d")).select(CLASSES))
        .hasMessageContaining("'d'");
  }

  @Test
  void harmonicMean() {
    assertThat(VideoEvaluation.harmonicMean(0.8, 0.4)).isCloseTo(2 * 0.32 / 1.2, within(1e-12));
    assertThat(VideoEvaluation.harmonicMean(0, 0)).isZero();
  }

  private static double[] softmax(double... z) {
    double s = 0;
    double[] e = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      e[i] = Math.exp(z[i]);
      s += e[i];
    }
    for (int i = 0; i < z.length; i++) {
      e[i] /= s;
    }
    return e;
  }
}
