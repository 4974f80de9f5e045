package io.openmede.model.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML character-reference decoding with the behaviour of Python's {@code html.unescape}, which
 * OpenAI's tokenizer applies twice.
 *
 * <p>That behaviour: a reference is {@code &} followed by decimal digits, {@code x}/{@code X} and
 * hex digits, or up to 32 characters other than tab, line feed, form feed, space, {@code <}, {@code
 * &}, {@code #}, {@code ;}; the closing {@code ;} is optional. Named references use the 2,231 HTML5
 * names (some valid without the semicolon, e.g. {@code &amp}); an unknown name decodes its longest
 * known semicolon-less prefix ({@code &ampfoo} gives {@code &foo}). Numeric references follow
 * HTML5: code points 0x80 to 0x9F as Windows-1252, NUL, surrogates and values above U+10FFFF as
 * U+FFFD, other control characters and non-characters removed.
 *
 * <p>Immutable and thread-safe.
 */
final class HtmlUnescaper {

  private static final String ENTITY_RESOURCE = "html5-entities.tsv";

  private static final Pattern REFERENCE =
      Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");

  /** HTML5's replacements for numeric references to C1 controls and a few others. */
  private static final Map<Integer, String> NUMERIC_REPLACEMENTS = numericReplacements();

  private final Map<String, String> entities;

  private HtmlUnescaper(Map<String, String> entities) {
    this.entities = entities;
  }

  /** Loads the bundled HTML5 entity table. */
  static HtmlUnescaper standard() {
    return Holder.INSTANCE;
  }

  /** The named references (with their trailing semicolon where the name has one) and values. */
  Map<String, String> entities() {
    return entities;
  }

  /** Decodes every character reference in {@code text} once. */
  String unescape(String text) {
    if (text.indexOf('&') < 0) {
      return text;
    }
    Matcher m = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(decodeReference(m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Decodes one reference, given without its leading {@code &}. */
  String decodeReference(String reference) {
    if (reference.charAt(0) == '#') {
      return decodeNumeric(reference);
    }
    String value = entities.get(reference);
    if (value != null) {
      return value;
    }
    // The longest known prefix of at least two code points; only semicolon-less names can match.
    int[] codePoints = reference.codePoints().toArray();
    for (int length = codePoints.length - 1; length > 1; length--) {
      String prefix = new String(codePoints, 0, length);
      value = entities.get(prefix);
      if (value != null) {
        return value + new String(codePoints, length, codePoints.length - length);
      }
    }
    return "&" + reference;
  }

  private static String decodeNumeric(String reference) {
    boolean hex = reference.charAt(1) == 'x' || reference.charAt(1) == 'X';
    String digits = reference.substring(hex ? 2 : 1);
    if (digits.endsWith(";")) {
      digits = digits.substring(0, digits.length() - 1);
    }
    int firstNonZero = 0;
    while (firstNonZero < digits.length() - 1 && digits.charAt(firstNonZero) == '0') {
      firstNonZero++;
    }
    digits = digits.substring(firstNonZero);
    // Beyond 0x10FFFF: 6 hex digits or 7 decimal digits hold every valid code point.
    if (digits.length() > (hex ? 6 : 7)) {
      return "\uFFFD";
    }
    int codePoint = Integer.parseInt(digits, hex ? 16 : 10);
    String replacement = NUMERIC_REPLACEMENTS.get(codePoint);
    if (replacement != null) {
      return replacement;
    }
    if ((codePoint >= 0xD800 && codePoint <= 0xDFFF) || codePoint > 0x10FFFF) {
      return "\uFFFD";
    }
    if (isDroppedCodePoint(codePoint)) {
      return "";
    }
    return new String(Character.toChars(codePoint));
  }

  private static boolean isDroppedCodePoint(int cp) {
    return (cp >= 0x1 && cp <= 0x8)
        || cp == 0xB
        || (cp >= 0xE && cp <= 0x1F)
        || (cp >= 0x7F && cp <= 0x9F)
        || (cp >= 0xFDD0 && cp <= 0xFDEF)
        || (cp & 0xFFFE) == 0xFFFE;
  }

  private static Map<Integer, String> numericReplacements() {
    Map<Integer, String> map = new HashMap<>();
    map.put(0x00, "\uFFFD");
    map.put(0x0D, "\r");
    String windows1252 =
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D"
            + "\u008F\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153"
            + "\u009D\u017E\u0178";
    for (int i = 0; i < windows1252.length(); i++) {
      map.put(0x80 + i, String.valueOf(windows1252.charAt(i)));
    }
    return Collections.unmodifiableMap(map);
  }

  static Map<String, String> readEntityTable(InputStream in) throws IOException {
    Map<String, String> table = new HashMap<>(4096);
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int tab = line.indexOf('\t');
        StringBuilder value = new StringBuilder(2);
        for (String hex : line.substring(tab + 1).split(" ")) {
          value.appendCodePoint(Integer.parseInt(hex, 16));
        }
        table.put(line.substring(0, tab), value.toString());
      }
    }
    return Collections.unmodifiableMap(table);
  }

  private static final class Holder {
    static final HtmlUnescaper INSTANCE = load();

    private static HtmlUnescaper load() {
      try (InputStream in = HtmlUnescaper.class.getResourceAsStream(ENTITY_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(
              "resource " + ENTITY_RESOURCE + " is missing from io/openmede/model/text");
        }
        return new HtmlUnescaper(readEntityTable(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + ENTITY_RESOURCE, e);
      }
    }
  }
}
