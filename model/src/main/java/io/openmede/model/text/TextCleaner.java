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
    return pythonLower(collapsed);
  }

  /**
   * Python's {@code str.lower()}. Java's {@code toLowerCase(Locale.ROOT)} agrees except for the
   * capital sigma, whose final form Java chooses by word boundaries and Python by Unicode's
   * Final_Sigma rule: a cased letter before it and none after it, skipping case-ignorable
   * characters.
   */
  static String pythonLower(String text) {
    int sigma = text.indexOf('\u03A3');
    if (sigma < 0) {
      return text.toLowerCase(Locale.ROOT);
    }
    StringBuilder out = new StringBuilder(text.length());
    int start = 0;
    while (sigma >= 0) {
      out.append(text.substring(start, sigma).toLowerCase(Locale.ROOT));
      out.append(isFinalSigma(text, sigma) ? '\u03C2' : '\u03C3');
      start = sigma + 1;
      sigma = text.indexOf('\u03A3', start);
    }
    return out.append(text.substring(start).toLowerCase(Locale.ROOT)).toString();
  }

  private static boolean isFinalSigma(String text, int index) {
    int before = index;
    int cp = 0;
    while (before > 0) {
      cp = text.codePointBefore(before);
      if (!isCaseIgnorable(cp)) {
        break;
      }
      before -= Character.charCount(cp);
    }
    if (before == 0 || isCaseIgnorable(cp) || !isCased(cp)) {
      return false;
    }
    int after = index + 1;
    while (after < text.length()) {
      cp = text.codePointAt(after);
      if (!isCaseIgnorable(cp)) {
        return !isCased(cp);
      }
      after += Character.charCount(cp);
    }
    return true;
  }

  /** Unicode's Cased property: lower case, upper case or title case. */
  static boolean isCased(int cp) {
    return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
  }

  /**
   * Unicode's Case_Ignorable property: marks, format characters, modifier letters and symbols, and
   * the word-break MidLetter, MidNumLet and Single_Quote characters.
   */
  static boolean isCaseIgnorable(int cp) {
    switch (Character.getType(cp)) {
      case Character.NON_SPACING_MARK:
      case Character.ENCLOSING_MARK:
      case Character.FORMAT:
      case Character.MODIFIER_LETTER:
      case Character.MODIFIER_SYMBOL:
        return true;
      default:
        break;
    }
    switch (cp) {
      case 0x0027: // Single_Quote
      case 0x002E: // MidNumLet
      case 0x2018:
      case 0x2019:
      case 0x2024:
      case 0xFE52:
      case 0xFF07:
      case 0xFF0E:
      case 0x003A: // MidLetter
      case 0x00B7:
      case 0x0387:
      case 0x055F:
      case 0x05F4:
      case 0x2027:
      case 0xFE13:
      case 0xFE55:
      case 0xFF1A:
        return true;
      default:
        return false;
    }
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
