package io.openmede.trainer.stream;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which clips made from feedback were trained on in this run, by clip id (a window) and label: a
 * repeat of a window with the same label is not trained on again, a changed label (a correction of
 * the correction) is. Remembers the latest {@value #REMEMBERED} windows. Not thread-safe: the
 * training loop's thread uses it.
 */
public final class FeedbackRepeats {

  /** How many windows are remembered (a flood of feedback cannot fill the heap). */
  static final int REMEMBERED = 100_000;

  private final Map<String, String> trained =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > REMEMBERED;
        }
      };
  private long repeats;

  /** Whether {@code clip} repeats a window trained on with the same label; remembers it. */
  public boolean repeat(DecodedClip clip) {
    boolean repeat = clip.label().equals(trained.put(clip.clipId(), clip.label()));
    if (repeat) {
      repeats++;
    }
    return repeat;
  }

  /** Repeats found so far. */
  public long repeats() {
    return repeats;
  }
}
