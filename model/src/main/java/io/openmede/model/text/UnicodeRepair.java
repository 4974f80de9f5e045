package io.openmede.model.text;

import java.text.Normalizer;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of {@code ftfy.fix_text} (default settings) that OpenAI's tokenizer relies on and that
 * can be reproduced without ftfy's mojibake tables.
 *
 * <p>Reproduced, in ftfy's order and repeated until the text stops changing, line by line, as in
 * ftfy 6's {@code fix_and_explain} (checked against its source): HTML entity decoding (only
 * complete {@code &name;} / {@code &#n;} references, upper-cased names such as {@code &EACUTE;}
 * too, and only while no line so far contained {@code <}), C1 control characters read as
 * Windows-1252, Latin ligatures spelled out ({@code ﬁ} to {@code fi}), full-width and half-width
 * forms made normal width, curly quotes made straight, lone surrogates replaced by U+FFFD, terminal
 * colour escapes removed, control and format characters ftfy considers junk removed, NFC
 * normalisation. (ftfy's line-break fix is left out: it only turns white space into other white
 * space, which the tokenizer collapses anyway.)
 *
 * <p>Not reproduced: ftfy's {@code fix_encoding} family (undoing mojibake such as {@code cafÃ©} to
 * {@code café}, restoring byte 0xA0, lossy sequences, inconsistent UTF-8), which needs ftfy's
 * statistical "badness" heuristics. Text that is already valid Unicode, which is what the project
 * feeds in, is not affected by those steps.
 *
 * <p>Stateless and thread-safe.
 */
final class UnicodeRepair {

  private static final Pattern ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");
  private static final Pattern C1_CONTROL = Pattern.compile("[\\x{80}-\\x{9F}]");
  private static final Pattern TERMINAL_ESCAPE = Pattern.compile("\u001B\\[(?:\\p{Nd}|;)*[a-zA-Z]");
  private static final Pattern SINGLE_QUOTE = Pattern.compile("[\u02BC\u2018-\u201B]");
  private static final Pattern DOUBLE_QUOTE = Pattern.compile("[\u201C-\u201F]");
  private static final int MAX_ROUNDS = 100;

  private static final String[][] LIGATURES = {
    {"\u0132", "IJ"}, {"\u0133", "ij"}, {"\u0149", "\u02BCn"}, {"\u01F1", "DZ"},
    {"\u01F2", "Dz"}, {"\u01F3", "dz"}, {"\u01C4", "D\u017D"}, {"\u01C5", "D\u017E"},
    {"\u01C6", "d\u017E"}, {"\u01C7", "LJ"}, {"\u01C8", "Lj"}, {"\u01C9", "lj"},
    {"\u01CA", "NJ"}, {"\u01CB", "Nj"}, {"\u01CC", "nj"}, {"\uFB00", "ff"},
    {"\uFB01", "fi"}, {"\uFB02", "fl"}, {"\uFB03", "ffi"}, {"\uFB04", "ffl"},
    {"\uFB05", "\u017Ft"}, {"\uFB06", "st"},
  };

  private final Map<String, String> entities;

  UnicodeRepair(Map<String, String> entities) {
    this.entities = entities;
  }

  /** Builds the repair with ftfy's entity table derived from the HTML5 one. */
  static UnicodeRepair standard() {
    return Holder.INSTANCE;
  }

  /**
   * ftfy's entity table: every HTML5 name that ends in a semicolon, plus, for an all-lower-case
   * name whose upper-cased spelling is not itself a reference, that spelling mapped to the
   * upper-cased value ({@code &NTILDE;} to {@code Ñ}).
   */
  static Map<String, String> ftfyEntities(HtmlUnescaper html) {
    Map<String, String> table = new java.util.HashMap<>();
    for (Map.Entry<String, String> e : html.entities().entrySet()) {
      String name = e.getKey();
      if (!name.endsWith(";")) {
        continue;
      }
      table.put("&" + name, e.getValue());
      if (name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
        String upper = "&" + name.toUpperCase(java.util.Locale.ROOT);
        if (html.unescape(upper).equals(upper)) {
          table.put(upper, e.getValue().toUpperCase(java.util.Locale.ROOT));
        }
      }
    }
    return table;
  }

  /** Applies the reproduced fixes; see the class comment. */
  String fix(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean unescapeHtml = true;
    int pos = 0;
    while (pos < text.length()) {
      int lineEnd = text.indexOf('\n', pos);
      lineEnd = lineEnd < 0 ? text.length() : lineEnd + 1;
      String line = text.substring(pos, lineEnd);
      if (line.indexOf('<') >= 0) {
        unescapeHtml = false;
      }
      out.append(fixLine(line, unescapeHtml));
      pos = lineEnd;
    }
    return out.toString();
  }

  private String fixLine(String line, boolean unescapeHtml) {
    String text = line;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      String before = text;
      if (unescapeHtml) {
        text = unescapeEntities(text);
      }
      text = fixC1Controls(text);
      text = fixLatinLigatures(text);
      text = fixCharacterWidth(text);
      text = SINGLE_QUOTE.matcher(text).replaceAll("'");
      text = DOUBLE_QUOTE.matcher(text).replaceAll("\"");
      text = fixSurrogates(text);
      text = TERMINAL_ESCAPE.matcher(text).replaceAll("");
      text = removeControlChars(text);
      text = Normalizer.normalize(text, Normalizer.Form.NFC);
      if (text.equals(before)) {
        break;
      }
    }
    return text;
  }

  private String unescapeEntities(String text) {
    if (text.indexOf('&') < 0) {
      return text;
    }
    Matcher m = ENTITY.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      String reference = m.group();
      String value = entities.get(reference);
      if (value == null) {
        value = reference;
        if (reference.startsWith("&#")) {
          String decoded = HtmlUnescaper.standard().unescape(reference);
          // A numeric reference that stops before the semicolon is left alone.
          if (decoded.indexOf(';') < 0) {
            value = decoded;
          }
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String fixC1Controls(String text) {
    Matcher m = C1_CONTROL.matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    do {
      int c = m.group().charAt(0);
      // Windows-1252, with its five unassigned bytes kept as the same code points.
      String decoded = HtmlUnescaper.standard().decodeReference("#" + c);
      m.appendReplacement(out, Matcher.quoteReplacement(decoded));
    } while (m.find());
    m.appendTail(out);
    return out.toString();
  }

  private static String fixLatinLigatures(String text) {
    for (String[] ligature : LIGATURES) {
      if (text.contains(ligature[0])) {
        text = text.replace(ligature[0], ligature[1]);
      }
    }
    return text;
  }

  private static String fixCharacterWidth(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement = null;
      if (c == '\u3000') {
        replacement = " ";
      } else if (c >= '\uFF01' && c <= '\uFFEF') {
        String normal = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKC);
        if (!normal.equals(String.valueOf(c))) {
          replacement = normal;
        }
      }
      if (replacement != null && out == null) {
        out = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (out != null) {
        out.append(replacement != null ? replacement : String.valueOf(c));
      }
    }
    return out == null ? text : out.toString();
  }

  private static String fixSurrogates(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
              : !Character.isLowSurrogate(c)
                  || (i > 0 && Character.isHighSurrogate(text.charAt(i - 1)));
      if (!paired && out == null) {
        out = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (out != null) {
        out.append(paired ? c : '\uFFFD');
      }
    }
    return out == null ? text : out.toString();
  }

  private static boolean isJunkControl(int cp) {
    return (cp >= 0x00 && cp <= 0x08)
        || cp == 0x0B
        || (cp >= 0x0E && cp <= 0x1F)
        || cp == 0x7F
        || (cp >= 0x206A && cp <= 0x206F)
        || cp == 0xFEFF
        || (cp >= 0xFFF9 && cp <= 0xFFFC);
  }

  private static String removeControlChars(String text) {
    if (text.codePoints().noneMatch(UnicodeRepair::isJunkControl)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().filter(cp -> !isJunkControl(cp)).forEach(out::appendCodePoint);
    return out.toString();
  }

  private static final class Holder {
    static final UnicodeRepair INSTANCE =
        new UnicodeRepair(
            java.util.Collections.unmodifiableMap(ftfyEntities(HtmlUnescaper.standard())));
  }
}
