package io.openmede.schemas.vocabulary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.schemas.avro.VocabularyEntry;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyRulesTest {

  private static VocabularyEntry entry(String label, List<String> prompts) {
    return new VocabularyEntry(label, prompts, true, Instant.EPOCH);
  }

  @Test
  void aGoodEntry_isAccepted() {
    assertThat(VocabularyRules.refusal("moving right", entry("moving right", List.of()))).isEmpty();
    assertThat(
            VocabularyRules.refusal("waving", entry("waving", List.of("a video of a person {}."))))
        .isEmpty();
  }

  @Test
  void eachBadEntry_isRefusedWithItsReason() {
    assertThat(VocabularyRules.refusal("waving", entry("waving", List.of("a video"))))
        .get()
        .asString()
        .contains("has no {}");
    assertThat(VocabularyRules.refusal("a", entry("b", List.of())))
        .get()
        .asString()
        .contains("differs from its key");
    assertThat(VocabularyRules.refusal(" ", entry(" ", List.of())))
        .get()
        .asString()
        .contains("empty");
    assertThat(VocabularyRules.refusal("x".repeat(201), entry("x".repeat(201), List.of())))
        .get()
        .asString()
        .contains("at most 200");
    assertThat(VocabularyRules.refusal("a\nb", entry("a\nb", List.of())))
        .get()
        .asString()
        .contains("control");
    assertThat(VocabularyRules.refusal(" a", entry(" a", List.of())))
        .get()
        .asString()
        .contains("spaces");
    assertThat(VocabularyRules.refusal("a", entry("a", Collections.nCopies(33, "a video of {}."))))
        .get()
        .asString()
        .contains("at most 32");
    assertThat(VocabularyRules.refusal("a", entry("a", List.of("{}" + "x".repeat(300)))))
        .get()
        .asString()
        .contains("at most 300");
    assertThat(VocabularyRules.refusal(null, entry("a", List.of()))).isPresent();
  }

  @Test
  void cleanLabel_foldsSpaces_andRefusesWhatTheRecognizerWouldRefuse() {
    assertThat(VocabularyRules.cleanLabel("  moving   right ")).isEqualTo("moving right");
    assertThatThrownBy(() -> VocabularyRules.cleanLabel("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> VocabularyRules.checkPrompts(List.of("nothing here")))
        .hasMessageContaining("'nothing here' has no {}");
  }

  @Test
  void quote_boundsAndEscapes() {
    assertThat(VocabularyRules.quote("a\u0000b")).isEqualTo("'a\\u0000b'");
    assertThat(VocabularyRules.quote("y".repeat(100))).hasSize(80 + 3);
  }
}
