package io.openmede.schemas.values;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.schemas.avro.VocabularyEntry;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelsTest {

  private static VocabularyEntry entry(String label, List<String> prompts) {
    return new VocabularyEntry(label, prompts, true, Instant.EPOCH);
  }

  @Test
  void aGoodEntry_isAccepted() {
    assertThat(Labels.entryRefusal("moving right", entry("moving right", List.of()))).isEmpty();
    assertThat(Labels.entryRefusal("waving", entry("waving", List.of("a video of a person {}."))))
        .isEmpty();
  }

  @Test
  void eachBadEntry_isRefusedWithItsReason() {
    assertThat(Labels.entryRefusal("waving", entry("waving", List.of("a video"))))
        .get()
        .asString()
        .contains("has no {}");
    assertThat(Labels.entryRefusal("a", entry("b", List.of())))
        .get()
        .asString()
        .contains("differs from its key");
    assertThat(Labels.entryRefusal(" ", entry(" ", List.of()))).get().asString().contains("empty");
    assertThat(Labels.entryRefusal("x".repeat(201), entry("x".repeat(201), List.of())))
        .get()
        .asString()
        .contains("at most 200");
    assertThat(Labels.entryRefusal("a\nb", entry("a\nb", List.of())))
        .get()
        .asString()
        .contains("control");
    assertThat(Labels.entryRefusal(" a", entry(" a", List.of())))
        .get()
        .asString()
        .contains("spaces");
    assertThat(Labels.entryRefusal("a", entry("a", Collections.nCopies(33, "a video of {}."))))
        .get()
        .asString()
        .contains("at most 32");
    assertThat(Labels.entryRefusal("a", entry("a", List.of("{}" + "x".repeat(300)))))
        .get()
        .asString()
        .contains("at most 300");
    assertThat(Labels.entryRefusal(null, entry("a", List.of()))).isPresent();
  }

  @Test
  void clean_foldsSpaces_andRefusesWhatTheRecognizerWouldRefuse() {
    assertThat(Labels.clean("  moving   right ")).isEqualTo("moving right");
    assertThatThrownBy(() -> Labels.clean("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> Labels.checkPrompts(List.of("nothing here")))
        .hasMessageContaining("'nothing here' has no {}");
  }
}
