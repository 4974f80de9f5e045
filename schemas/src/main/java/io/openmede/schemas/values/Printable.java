package io.openmede.schemas.values;

/** Values from a topic or a request made safe to print in a log line or an error message. */
public final class Printable {

  private Printable() {}

  /** A value quoted for a log line: at most 80 characters, control characters escaped. */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder("'");
    s.codePoints()
        .limit(80)
        .forEach(
            c -> {
              if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
              } else {
                b.appendCodePoint(c);
              }
            });
    if (s.codePointCount(0, s.length()) > 80) {
      b.append("…");
    }
    return b.append('\'').toString();
  }
}
