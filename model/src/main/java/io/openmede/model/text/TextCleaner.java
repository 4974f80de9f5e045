package io.openmede.model.text;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The text clean-up OpenAI's tokenizer applies before splitting: {@code
 * whitespace_clean(basic_clean(text)).lower()}, that is ftfy's repair (the part {@link
 * UnicodeRepair} reproduces), HTML unescaping twice, strip, every run of Unicode white space to one
 * space, strip, lower case.
 *
 * <p>Stateless and thread-safe.
 */
final class TextCleaner {

  /** {@code \s} of Python's {@code regex} module: the Unicode White_Space property. */
  private static final Pattern WHITE_SPACE_RUN = Pattern.compile("\\p{IsWhite_Space}+");

  private final UnicodeRepair repair;
  private final HtmlUnescaper html;

  TextCleaner(UnicodeRepair repair, HtmlUnescaper html) {
    this.repair = repair;
    this.html = html;
  }

  static TextCleaner standard() {
    return new TextCleaner(UnicodeRepair.standard(), HtmlUnescaper.standard());
  }

  String clean(String text) {
    String basic = pythonStrip(html.unescape(html.unescape(repair.fix(text))));
    String collapsed = pythonStrip(WHITE_SPACE_RUN.matcher(basic).replaceAll(" "));
    return collapsed.toLowerCase(Locale.ROOT);
  }

  /**
   * Python's {@code str.strip()}: removes leading and trailing characters of category Zs or of
   * bidirectional class WS, B or S.
   */
  static String pythonStrip(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && isPythonSpace(text.codePointAt(start))) {
      start += Character.charCount(text.codePointAt(start));
    }
    while (end > start && isPythonSpace(text.codePointBefore(end))) {
      end -= Character.charCount(text.codePointBefore(end));
    }
    return text.substring(start, end);
  }

  static boolean isPythonSpace(int codePoint) {
    if (Character.getType(codePoint) == Character.SPACE_SEPARATOR) {
      return true;
    }
    byte direction = Character.getDirectionality(codePoint);
    return direction == Character.DIRECTIONALITY_WHITESPACE
        || direction == Character.DIRECTIONALITY_PARAGRAPH_SEPARATOR
        || direction == Character.DIRECTIONALITY_SEGMENT_SEPARATOR;
  }
}
