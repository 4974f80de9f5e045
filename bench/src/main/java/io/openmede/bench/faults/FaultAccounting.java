package io.openmede.bench.faults;

import io.openmede.recognizer.window.WindowConfig;
import io.openmede.recognizer.window.WindowSpacing;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fault campaign's bookkeeping of windows, pure: which windows the frames produced should have
 * given, and, against the recognitions read back, which were lost and which recognized twice.
 *
 * <p>Stateless and thread-safe.
 */
public final class FaultAccounting {

  private FaultAccounting() {}

  /** One window: its stream and the sequence number of its first frame. */
  public record WindowKey(String stream, long firstSequence) implements Comparable<WindowKey> {
    @Override
    public int compareTo(WindowKey o) {
      int c = stream.compareTo(o.stream);
      return c != 0 ? c : Long.compare(firstSequence, o.firstSequence);
    }

    @Override
    public String toString() {
      return stream + "@" + firstSequence;
    }
  }

  /**
   * What became of the expected windows.
   *
   * @param expected windows the frames produced should give
   * @param recognized distinct windows with at least one recognition
   * @param lost expected windows with no recognition that are not in dead letters either, sorted
   * @param doubled windows recognized more than once, sorted
   * @param deadLettered expected windows without a recognition whose frames are in dead letters
   * @param unexpected distinct recognized windows that the frames produced should not give
   */
  public record Outcome(
      int expected,
      int recognized,
      List<WindowKey> lost,
      List<WindowKey> doubled,
      int deadLettered,
      int unexpected) {
    public Outcome {
      lost = List.copyOf(lost);
      doubled = List.copyOf(doubled);
    }
  }

  /**
   * The windows of one stream whose frames {@code frames} (sequence numbers) were all produced, as
   * the recognizer cuts them: the first window starts at the stream's first frame, the next one
   * {@code hop} frames later; after a hole in the sequence, windows start again at the first frame
   * after it. Only complete windows count (their last frame at {@code (T-1)·stride} after the
   * first). Needs {@link WindowSpacing#FRAMES}.
   *
   * @throws IllegalArgumentException when the config counts hop and stride in milliseconds
   */
  public static List<WindowKey> expectedWindows(
      String stream, Collection<Long> frames, WindowConfig config) {
    if (config.spacing() != WindowSpacing.FRAMES) {
      throw new IllegalArgumentException(
          "the fault campaign counts windows by frame sequence; recognizer.window.spacing must be"
              + " FRAMES, got "
              + config.spacing());
    }
    NavigableSet<Long> seqs = new TreeSet<>(frames);
    List<WindowKey> out = new ArrayList<>();
    long span = (long) (config.frames() - 1) * config.stride();
    Long runStart = seqs.isEmpty() ? null : seqs.first();
    while (runStart != null) {
      long runEnd = runStart;
      while (seqs.contains(runEnd + 1)) {
        runEnd++;
      }
      for (long start = runStart; start + span <= runEnd; start += config.hop()) {
        out.add(new WindowKey(stream, start));
      }
      runStart = seqs.higher(runEnd);
    }
    return out;
  }

  /**
   * Accounts the recognitions read back against the windows expected.
   *
   * @param expected the windows the frames produced should give (duplicates ignored)
   * @param recognized one key per recognition read (read_committed), in any order, repeats kept
   * @param deadLettered windows whose frames went to dead letters
   */
  public static Outcome account(
      Collection<WindowKey> expected, List<WindowKey> recognized, Set<WindowKey> deadLettered) {
    Map<WindowKey, Integer> counts = new HashMap<>();
    for (WindowKey k : recognized) {
      counts.merge(k, 1, Integer::sum);
    }
    Set<WindowKey> want = new TreeSet<>(expected);
    List<WindowKey> lost = new ArrayList<>();
    int dead = 0;
    for (WindowKey k : want) {
      if (counts.containsKey(k)) {
        continue;
      }
      if (deadLettered.contains(k)) {
        dead++;
      } else {
        lost.add(k);
      }
    }
    TreeSet<WindowKey> doubled = new TreeSet<>();
    int unexpected = 0;
    for (Map.Entry<WindowKey, Integer> e : counts.entrySet()) {
      if (e.getValue() > 1) {
        doubled.add(e.getKey());
      }
      if (!want.contains(e.getKey())) {
        unexpected++;
      }
    }
    return new Outcome(
        want.size(), counts.size(), lost, new ArrayList<>(doubled), dead, unexpected);
  }

  /**
   * One stream's windows.
   *
   * @param expected windows its frames should give
   * @param recognized distinct windows with a recognition
   * @param lost expected, never recognized, not in dead letters
   * @param doubled recognized more than once
   * @param deadLettered expected, not recognized, frames in dead letters
   */
  public record StreamFigures(
      int expected, int recognized, int lost, int doubled, int deadLettered) {}

  /** {@link #account} stream by stream, for every stream expected or recognized, sorted. */
  public static Map<String, StreamFigures> byStream(
      Collection<WindowKey> expected, List<WindowKey> recognized, Set<WindowKey> deadLettered) {
    Map<String, List<WindowKey>> want = new java.util.TreeMap<>();
    Map<String, List<WindowKey>> got = new java.util.TreeMap<>();
    for (WindowKey k : expected) {
      want.computeIfAbsent(k.stream(), x -> new ArrayList<>()).add(k);
    }
    for (WindowKey k : recognized) {
      got.computeIfAbsent(k.stream(), x -> new ArrayList<>()).add(k);
    }
    Set<String> streams = new TreeSet<>(want.keySet());
    streams.addAll(got.keySet());
    Map<String, StreamFigures> out = new java.util.TreeMap<>();
    for (String s : streams) {
      Outcome o =
          account(want.getOrDefault(s, List.of()), got.getOrDefault(s, List.of()), deadLettered);
      out.put(
          s,
          new StreamFigures(
              o.expected(), o.recognized(), o.lost().size(), o.doubled().size(), o.deadLettered()));
    }
    return out;
  }
}
