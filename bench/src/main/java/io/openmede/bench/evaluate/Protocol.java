package io.openmede.bench.evaluate;

import java.util.Locale;

/** The paper's evaluation protocols (DESIGN.md §6). */
enum Protocol {
  /** Every video ranked among every label of the label map (or of the list). */
  ALL,
  /** Base videos among the base labels, novel videos among the novel labels; HM of the two. */
  BASE_TO_NOVEL,
  /** Per target split, its videos among its labels; mean ± std over the splits. */
  ZERO_SHOT,
  /** Videos on unseen backgrounds among the in-context label space; HM with in-context. */
  OUT_OF_CONTEXT;

  /** The name on the command line. */
  String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses a command-line name. */
  static Protocol parse(String text) {
    for (Protocol p : values()) {
      if (p.cliName().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "protocol '" + text + "' is none of all, base-to-novel, zero-shot, out-of-context");
  }
}
