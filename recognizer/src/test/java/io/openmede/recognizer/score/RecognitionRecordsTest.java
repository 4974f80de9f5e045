package io.openmede.recognizer.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.model.openset.OpenSetScore;
import io.openmede.recognizer.window.ClipWindow;
import io.openmede.recognizer.window.WindowFrame;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.Recognition;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class RecognitionRecordsTest {

  static final ClipWindow WINDOW =
      new ClipWindow(
          "cam",
          4,
          7,
          10,
          20,
          30,
          List.of(new WindowFrame(4, 10, FrameEncoding.RGB, 1, 1, new byte[3])));

  @Test
  void recognition_carriesTheCalibratedScoresAndTheUnknownDecision() {
    WindowScore s =
        WindowScore.decided(
            List.of(new RankedLabel("waving", 0.9, 0.21, OptionalDouble.of(0.3))),
            OpenSetScore.ENERGY,
            true);
    Recognition r = RecognitionRecords.recognition(WINDOW, s, "v2", 3, 40);
    assertThat(r.getUnknown()).isTrue();
    assertThat(r.getOpenSetScore()).isEqualTo("energy");
    assertThat(r.getTop().get(0).getCalibrated()).isEqualTo(0.3);
    assertThat(r.getTop().get(0).getProbability()).isEqualTo(0.9);
  }

  @Test
  void recognition_withoutThresholds_decidesNothing() {
    WindowScore s = WindowScore.of(List.of(new RankedLabel("waving", 0.9, 0.21)));
    Recognition r = RecognitionRecords.recognition(WINDOW, s, "v1", 3, 40);
    assertThat(r.getUnknown()).isFalse();
    assertThat(r.getOpenSetScore()).isNull();
    assertThat(r.getTop().get(0).getCalibrated()).isNull();
  }
}
