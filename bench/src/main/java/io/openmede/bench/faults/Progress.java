package io.openmede.bench.faults;

import java.io.PrintStream;
import java.util.Locale;

/** The campaign's progress lines: seconds since the campaign began, then the text. Thread-safe. */
final class Progress {

  private final PrintStream out;
  private final long started = System.nanoTime();

  Progress(PrintStream out) {
    this.out = out;
  }

  /** One line, {@link String#format} style, flushed. */
  synchronized void line(String format, Object... args) {
    out.printf(
        Locale.ROOT,
        "[%5.1f s] %s%n",
        (System.nanoTime() - started) / 1e9,
        String.format(Locale.ROOT, format, args));
    out.flush();
  }

  /** A heading: "== what". */
  void header(String what) {
    line("== %s", what);
  }

  /** A verdict as it is reached. */
  void verdict(Verdict v) {
    line("  %s %s: %s", v.survived() ? "survived" : "NOT SURVIVED", v.fault(), v.what());
  }
}
