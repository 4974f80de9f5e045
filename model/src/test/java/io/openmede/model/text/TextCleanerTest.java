package io.openmede.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextCleanerTest {

  private final TextCleaner cleaner = TextCleaner.standard();

  @Test
  void clean_lowerCasesAndCollapsesWhitespace() {
    assertThat(cleaner.clean("  Hello \t\n  WORLD  ")).isEqualTo("hello world");
  }

  @Test
  void clean_unicodeWhitespace_becomesOneSpace() {
    assertThat(cleaner.clean("a\u00a0\u2003b\u2028c\fd")).isEqualTo("a b c d");
  }

  @Test
  void clean_htmlEscapedTwice_isUnescaped() {
    assertThat(cleaner.clean("&amp;lt;tag&amp;gt; &amp;amp;")).isEqualTo("<tag> &");
  }

  @Test
  void clean_nextLineControl_isReadAsWindows1252LikeFtfy() {
    assertThat(cleaner.clean("a\u0085b")).isEqualTo("a\u2026b");
  }

  @Test
  void clean_finalSigma_lowerCasesLikePython() {
    assertThat(cleaner.clean("ΟΔΟΣ")).isEqualTo("οδος");
  }

  @Test
  void pythonStrip_removesFileSeparatorsButNotZeroWidthSpace() {
    assertThat(TextCleaner.pythonStrip("\u001c\u001f a \u00a0")).isEqualTo("a");
    assertThat(TextCleaner.pythonStrip("\u200ba\u200b")).isEqualTo("\u200ba\u200b");
  }
}
