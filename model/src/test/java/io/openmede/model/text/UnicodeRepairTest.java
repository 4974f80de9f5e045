package io.openmede.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Expected values are ftfy 6's fix_text results with default settings. */
class UnicodeRepairTest {

  private final UnicodeRepair repair = UnicodeRepair.standard();

  @Test
  void fix_plainText_isUnchanged() {
    assertThat(repair.fix("a video of a person doing archery."))
        .isEqualTo("a video of a person doing archery.");
  }

  @Test
  void fix_curlyQuotes_becomeStraight() {
    assertThat(repair.fix("don\u2019t \u201cquote\u201d \u2018x\u2019"))
        .isEqualTo("don't \"quote\" 'x'");
  }

  @Test
  void fix_latinLigatures_areSpelledOut() {
    assertThat(repair.fix("\uFB01sh \uFB00 \u0133")).isEqualTo("fish ff ij");
  }

  @Test
  void fix_fullWidthForms_becomeNormalWidth() {
    assertThat(repair.fix("\uFF21\uFF22\uFF23\uFF11\u3000\uFF01")).isEqualTo("ABC1 !");
  }

  @Test
  void fix_decomposedAccents_areComposed() {
    assertThat(repair.fix("cafe\u0301")).isEqualTo("caf\u00e9");
  }

  @Test
  void fix_c1Controls_areReadAsWindows1252() {
    assertThat(repair.fix("\u0093hi\u0094 \u0085")).isEqualTo("\"hi\" \u2026");
  }

  @Test
  void fix_junkControlsAndTerminalEscapes_areRemoved() {
    assertThat(repair.fix("\u001b[1;31mred\u001b[0m\u0000\u0007 \uFEFFbom")).isEqualTo("red bom");
  }

  @Test
  void fix_loneSurrogate_becomesReplacementCharacter() {
    assertThat(repair.fix("a\uD800b")).isEqualTo("a\uFFFDb");
    assertThat(repair.fix("\uD83C\uDF89")).isEqualTo("\uD83C\uDF89");
  }

  @Test
  void fix_nestedEntities_areUnescapedUntilStable() {
    assertThat(repair.fix("&amp;amp;amp;")).isEqualTo("&");
  }

  @Test
  void fix_upperCasedEntity_isUnescaped() {
    assertThat(repair.fix("&NTILDE;")).isEqualTo("\u00d1");
  }

  @Test
  void fix_textWithMarkup_keepsEntities() {
    assertThat(repair.fix("<b>&amp;amp;</b>")).isEqualTo("<b>&amp;amp;</b>");
  }

  @Test
  void fix_entityWithoutSemicolon_isLeftForHtmlUnescape() {
    assertThat(repair.fix("&amp")).isEqualTo("&amp");
  }
}
