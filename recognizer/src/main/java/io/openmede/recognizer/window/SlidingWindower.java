package io.openmede.recognizer.window;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Cuts one stream's frames into sliding windows. Pure logic over a {@link StreamWindowState}: the
 * caller loads the state from the store, calls {@link #accept}, and writes the state back.
 *
 * <p>Rules: a batch whose sequence number was seen before is a duplicate and changes nothing.
 * Frames are placed by sequence number, so batches arriving out of order are fine as long as a
 * missing frame arrives before {@link WindowConfig#reorderBound()} later frames have; beyond that
 * the missing frame is given up, the window that needed it is abandoned, and a new window starts at
 * the first frame after the gap. Frames older than the next window's start are late and dropped.
 *
 * <p>Immutable and thread-safe (the state is not).
 */
final class SlidingWindower {

  /** What one batch did to the state. */
  public record Outcome(boolean duplicate, List<ClipWindow> windows, int gaps, int lateFrames) {
    public Outcome {
      windows = List.copyOf(windows);
    }
  }

  private final WindowConfig config;

  public SlidingWindower(WindowConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /** The window configuration. */
  public WindowConfig config() {
    return config;
  }

  /**
   * Adds one batch of frames to the state and returns the windows it completed.
   *
   * @param nowMs wall-clock time of the batch's arrival, epoch ms (becomes {@link
   *     ClipWindow#readyAtMs()})
   */
  public Outcome accept(
      StreamWindowState state,
      String streamId,
      long batchSequence,
      List<WindowFrame> frames,
      long nowMs) {
    if (!state.rememberBatch(batchSequence)) {
      return new Outcome(true, List.of(), 0, 0);
    }
    int late = 0;
    long floor = state.nextStartSequence.orElse(Long.MIN_VALUE);
    for (WindowFrame f : frames) {
      if (f.sequence() < floor) {
        late++;
        continue;
      }
      state.pending.putIfAbsent(f.sequence(), f);
      state.highestSequence = Math.max(state.highestSequence, f.sequence());
      state.latestCaptureMs = Math.max(state.latestCaptureMs, f.captureTimeMs());
    }
    List<ClipWindow> out = new ArrayList<>();
    if (late < frames.size()) {
      state.acceptedAtMs = nowMs;
    }
    int gaps =
        config.spacing() == WindowSpacing.FRAMES
            ? emitByFrames(state, streamId, nowMs, out)
            : emitByTime(state, streamId, nowMs, out);
    return new Outcome(false, out, gaps, late);
  }

  private int emitByFrames(
      StreamWindowState state, String streamId, long nowMs, List<ClipWindow> out) {
    int gaps = 0;
    while (!state.pending.isEmpty()) {
      long start = state.nextStartSequence.orElse(state.pending.firstKey());
      state.pending.headMap(start, false).clear();
      List<WindowFrame> picks = new ArrayList<>(config.frames());
      OptionalLong missing = OptionalLong.empty();
      for (int k = 0; k < config.frames(); k++) {
        long seq = start + k * config.stride();
        WindowFrame f = state.pending.get(seq);
        if (f == null) {
          missing = OptionalLong.of(seq);
          break;
        }
        picks.add(f);
      }
      if (missing.isEmpty()) {
        out.add(window(streamId, picks, nowMs));
        state.lastEmittedFirstSequence = OptionalLong.of(start);
        state.nextStartSequence = OptionalLong.of(start + config.hop());
        state.pending.headMap(start + config.hop(), false).clear();
        continue;
      }
      long m = missing.getAsLong();
      if (state.highestSequence - m > config.reorderBound()) {
        gaps++;
        Long next = state.pending.higherKey(m);
        if (next == null) {
          state.pending.clear();
          state.nextStartSequence = OptionalLong.of(m + 1);
          break;
        }
        state.nextStartSequence = OptionalLong.of(next);
        continue;
      }
      break; // wait for the missing frame
    }
    return gaps;
  }

  private int emitByTime(
      StreamWindowState state, String streamId, long nowMs, List<ClipWindow> out) {
    int gaps = 0;
    outer:
    while (!state.pending.isEmpty()) {
      long floorSeq = state.nextStartSequence.orElse(state.pending.firstKey());
      state.pending.headMap(floorSeq, false).clear();
      if (state.pending.isEmpty()) {
        break;
      }
      long expected = floorSeq;
      List<WindowFrame> picks = new ArrayList<>(config.frames());
      long t0 = 0;
      for (Map.Entry<Long, WindowFrame> e : state.pending.entrySet()) {
        if (e.getKey() != expected) {
          if (state.highestSequence - expected > config.reorderBound()) {
            gaps++;
            state.nextStartSequence = OptionalLong.of(e.getKey());
            state.nextStartTimeMs = OptionalLong.empty();
            continue outer;
          }
          break outer; // wait for the missing frame
        }
        expected++;
        WindowFrame f = e.getValue();
        if (picks.isEmpty()) {
          if (state.nextStartTimeMs.isEmpty()
              || f.captureTimeMs() >= state.nextStartTimeMs.getAsLong()) {
            picks.add(f);
            t0 = f.captureTimeMs();
          }
        } else if (f.captureTimeMs() >= t0 + picks.size() * config.stride()) {
          picks.add(f);
        }
        if (picks.size() == config.frames()) {
          WindowFrame first = picks.get(0);
          out.add(window(streamId, picks, nowMs));
          state.lastEmittedFirstSequence = OptionalLong.of(first.sequence());
          state.nextStartTimeMs = OptionalLong.of(t0 + config.hop());
          state.nextStartSequence = OptionalLong.of(first.sequence() + 1);
          continue outer;
        }
      }
      break; // not enough frames yet
    }
    return gaps;
  }

  private static ClipWindow window(String streamId, List<WindowFrame> picks, long nowMs) {
    WindowFrame first = picks.get(0);
    WindowFrame last = picks.get(picks.size() - 1);
    return new ClipWindow(
        streamId,
        first.sequence(),
        last.sequence(),
        first.captureTimeMs(),
        last.captureTimeMs(),
        nowMs,
        picks);
  }
}
