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
  void pythonLower_sigmaAfterUncasedLetter_isNotFinal() {
    // Java's toLowerCase would pick the final form here (it looks at word boundaries)
    assertThat(TextCleaner.pythonLower("\uD835\uDC8C\uAC73\u03A3\u308D"))
        .isEqualTo("\uD835\uDC8C\uAC73\u03C3\u308D");
  }

  @Test
  void pythonLower_sigmaAfterCasedLetterAndIgnorables_isFinal() {
    assertThat(TextCleaner.pythonLower("\u0391\u03A3.")).isEqualTo("\u03B1\u03C2.");
    assertThat(TextCleaner.pythonLower("\u0391.\u03A3")).isEqualTo("\u03B1.\u03C2");
    assertThat(TextCleaner.pythonLower("\u0391\u03A3'\u0391")).isEqualTo("\u03B1\u03C3'\u03B1");
    assertThat(TextCleaner.pythonLower("\u03A3")).isEqualTo("\u03C3");
  }

  @Test
  void pythonStrip_removesFileSeparatorsButNotZeroWidthSpace() {
    assertThat(TextCleaner.pythonStrip("\u001c\u001f a \u00a0")).isEqualTo("a");
    assertThat(TextCleaner.pythonStrip("\u200ba\u200b")).isEqualTo("\u200ba\u200b");
  }
}
