package io.openmede.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HtmlUnescaperTest {

  private static final HtmlUnescaper HTML = HtmlUnescaper.standard();

  /** Inputs and the output of CPython 3.11's html.unescape for each. */
  static List<JsonNode> pythonReference() {
    return TokenizerFixtures.lines("html-unescape.jsonl");
  }

  @ParameterizedTest
  @MethodSource("pythonReference")
  void unescape_matchesPythonHtmlUnescape(JsonNode reference) {
    assertThat(HTML.unescape(reference.get("input").asText()))
        .isEqualTo(reference.get("output").asText());
  }

  @Test
  void entityTable_holdsEveryHtml5Name() {
    assertThat(HTML.entities()).hasSize(2231).containsEntry("amp;", "&").containsEntry("amp", "&");
  }

  @Test
  void unescape_textWithoutAmpersand_isReturnedAsIs() {
    String text = "plain text";
    assertThat(HTML.unescape(text)).isSameAs(text);
  }
}
