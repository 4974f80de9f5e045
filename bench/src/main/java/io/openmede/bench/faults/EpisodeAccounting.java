package io.openmede.bench.faults;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fault campaign's bookkeeping of the events service's episodes, pure: per rule, how many
 * episodes opened and closed, opened before the faults and after them, events read twice (doubled)
 * and closes whose open was never read (lost).
 *
 * <p>Stateless and thread-safe.
 */
final class EpisodeAccounting {

  private EpisodeAccounting() {}

  /**
   * One event read back.
   *
   * @param rule the rule's name
   * @param stream the stream id
   * @param eventId the episode's id (the same for its open and its close)
   * @param opened an {@code OPENED} event; else {@code CLOSED}
   * @param readNanos when it was read ({@link System#nanoTime})
   */
  record EventSeen(String rule, String stream, String eventId, boolean opened, long readNanos) {}

  /**
   * One rule's episodes.
   *
   * @param opened opens read (distinct episodes)
   * @param closed closes read (distinct episodes)
   * @param doubled events read more than once (an open or a close of the same episode again)
   * @param lost closes whose open was never read
   * @param openedBefore opens read before the faults began
   * @param openedAfter opens read after the faults ended
   * @param streams streams with at least one open
   */
  record RuleFigures(
      int opened,
      int closed,
      int doubled,
      int lost,
      int openedBefore,
      int openedAfter,
      Set<String> streams) {

    /** A rule that opened episodes before the faults and none after them. */
    boolean muted() {
      return openedBefore > 0 && openedAfter == 0;
    }
  }

  /**
   * The figures of every rule with an event, by rule name.
   *
   * @param faultsBegan before this moment (ns) is "before the faults"
   * @param faultsEnded after this moment (ns) is "after the faults"
   */
  static Map<String, RuleFigures> byRule(
      List<EventSeen> events, long faultsBegan, long faultsEnded) {
    Map<String, List<EventSeen>> byRule = new TreeMap<>();
    for (EventSeen e : events) {
      byRule.computeIfAbsent(e.rule(), k -> new java.util.ArrayList<>()).add(e);
    }
    Map<String, RuleFigures> out = new TreeMap<>();
    byRule.forEach((rule, list) -> out.put(rule, figures(list, faultsBegan, faultsEnded)));
    return out;
  }

  private static RuleFigures figures(List<EventSeen> events, long faultsBegan, long faultsEnded) {
    Map<String, Integer> opens = new HashMap<>();
    Map<String, Integer> closes = new HashMap<>();
    Set<String> streams = new java.util.TreeSet<>();
    int before = 0;
    int after = 0;
    for (EventSeen e : events) {
      (e.opened() ? opens : closes).merge(e.eventId(), 1, Integer::sum);
      if (e.opened()) {
        streams.add(e.stream());
        if (e.readNanos() < faultsBegan) {
          before++;
        } else if (e.readNanos() > faultsEnded) {
          after++;
        }
      }
    }
    int doubled = 0;
    for (int n : opens.values()) {
      doubled += n - 1;
    }
    for (int n : closes.values()) {
      doubled += n - 1;
    }
    Set<String> lost = new HashSet<>(closes.keySet());
    lost.removeAll(opens.keySet());
    return new RuleFigures(
        opens.size(), closes.size(), doubled, lost.size(), before, after, streams);
  }
}
