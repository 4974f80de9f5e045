package io.openmede.schemas.values;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdentifiersTest {

  @Test
  void streamIds_areOneTo200Characters() {
    assertThat(Identifiers.streamIdRefusal("cam-1")).isEmpty();
    assertThat(Identifiers.streamIdRefusal("c".repeat(200))).isEmpty();
    assertThat(Identifiers.streamIdRefusal("c".repeat(201))).get().asString().contains("1 to 200");
    assertThat(Identifiers.streamIdRefusal("")).isPresent();
    assertThat(Identifiers.streamIdRefusal(null)).isPresent();
  }

  @Test
  void streamPatterns_refuseControlCharactersAndLength() {
    assertThat(Identifiers.streamPatternRefusal("cam-*")).isEmpty();
    assertThat(Identifiers.streamPatternRefusal("cam\n1"))
        .get()
        .asString()
        .contains("without control characters");
    assertThat(Identifiers.streamPatternRefusal("c".repeat(201))).isPresent();
    assertThat(Identifiers.streamPatternRefusal("")).isPresent();
  }

  @Test
  void ruleNames_areLettersDigitsDotsUnderscoresAndDashes_startingWithALetterOrDigit() {
    assertThat(Identifiers.ruleNameRefusal("demo-spinning_2.a")).isEmpty();
    assertThat(Identifiers.ruleNameRefusal("-lead")).get().asString().contains("'-lead'");
    assertThat(Identifiers.ruleNameRefusal("a b")).isPresent();
    assertThat(Identifiers.ruleNameRefusal("r".repeat(101))).get().asString().contains("1 to 100");
    assertThat(Identifiers.ruleNameRefusal(null)).isPresent();
  }

  @Test
  void checkpointVersions_areTheTrainersNames_boundedTo200() {
    assertThat(Identifiers.checkpointVersionRefusal("openmede-tiny-u000000040-open-mede"))
        .isEmpty();
    assertThat(Identifiers.checkpointVersionRefusal("v".repeat(200))).isEmpty();
    assertThat(Identifiers.checkpointVersionRefusal("v".repeat(201)))
        .get()
        .asString()
        .contains("1 to 200", "not 201");
    assertThat(Identifiers.checkpointVersionRefusal("../etc"))
        .get()
        .asString()
        .contains("'../etc'");
    assertThat(Identifiers.checkpointVersionRefusal("a\nb")).isPresent();
    assertThat(Identifiers.checkpointVersionRefusal("")).isPresent();
    assertThat(Identifiers.checkpointVersionRefusal(null)).isPresent();
    assertThat(Identifiers.modelNameRefusal("openmede-tiny")).isEmpty();
    assertThat(Identifiers.modelNameRefusal("m".repeat(101))).get().asString().contains("1 to 100");
  }

  @Test
  void feedbackClipIds_nameStreamAndRange_andAreRecognized() {
    String id = Identifiers.feedbackClipId("cam-1", 16, 23);
    assertThat(id).isEqualTo("feedback:cam-1:16-23");
    assertThat(Identifiers.isFeedbackClip(id)).isTrue();
    assertThat(Identifiers.isFeedbackClip("cam-1:16-23")).isFalse();
  }

  @Test
  void feedbackWindows_needAStreamIdAndAnOrderedRange() {
    assertThat(Identifiers.feedbackWindowRefusal("cam", 0, 0)).isEmpty();
    assertThat(Identifiers.feedbackWindowRefusal("", 0, 7)).get().asString().contains("stream id");
    assertThat(Identifiers.feedbackWindowRefusal("cam", -1, 7))
        .get()
        .asString()
        .contains("not a window");
    assertThat(Identifiers.feedbackWindowRefusal("cam", 8, 7))
        .get()
        .asString()
        .contains("not a window");
  }
}
