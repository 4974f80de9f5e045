package io.openmede.recognizer.vocabulary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelMapTest {

  @Test
  void parse_ucf101LabelMap_gives101NamesInOrder() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/ucf101.txt")) {
      List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      List<String> labels = LabelMap.parse(lines);
      assertThat(labels).hasSize(101);
      assertThat(labels.get(0)).isEqualTo("ApplyEyeMakeup");
      assertThat(labels.get(100)).isEqualTo("YoYo");
    }
  }

  @Test
  void parse_idNameCsvWithHeaderQuotesAndComments() {
    assertThat(
            LabelMap.parse(
                List.of(
                    "id,name", "# comment", "0,abseiling", "", "1,\"air drumming\"", "2, waving")))
        .containsExactly("abseiling", "air drumming", "waving");
  }

  @Test
  void parse_csvWithoutNumericId_saysWhatWasExpected() {
    assertThatThrownBy(() -> LabelMap.parse(List.of("0,a", "x,b")))
        .hasMessage("line 2 'x,b': expected 'id,name' with a numeric id, or one name");
  }
}
