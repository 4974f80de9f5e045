package io.openmede.ingest.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.avro.FeedbackVerdict;
import org.junit.jupiter.api.Test;

class LabelerSplitTest {

  @Test
  void nothingHappened_isANegative_neverTrainedOnNorEvaluatedAsALabel() {
    assertThat(Labeler.split(FeedbackVerdict.NOTHING, false)).isEqualTo("negative");
    assertThat(Labeler.split(FeedbackVerdict.NOTHING, true)).isEqualTo("negative");
  }

  @Test
  void confirmAndCorrect_trainOrAreHeldOut() {
    assertThat(Labeler.split(FeedbackVerdict.CORRECT, false)).isEqualTo("train");
    assertThat(Labeler.split(FeedbackVerdict.CONFIRM, true)).isEqualTo("feedback-eval");
  }
}
