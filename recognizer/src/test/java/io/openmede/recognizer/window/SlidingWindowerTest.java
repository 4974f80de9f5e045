package io.openmede.recognizer.window;

import static io.openmede.recognizer.testing.Frames.captureTime;
import static io.openmede.recognizer.testing.Frames.windowFrames;
import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.recognizer.testing.Frames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlidingWindowerTest {

  private final StreamWindowState state = new StreamWindowState();

  private static List<long[]> ranges(List<ClipWindow> windows) {
    List<long[]> out = new ArrayList<>();
    for (ClipWindow w : windows) {
      out.add(new long[] {w.firstSequence(), w.lastSequence()});
    }
    return out;
  }

  private static List<Long> sequences(ClipWindow w) {
    return w.frames().stream().map(WindowFrame::sequence).toList();
  }

  @Test
  void accept_exactlyTFrames_emitsOneWindowWithRangeAndTimes() {
    SlidingWindower w = new SlidingWindower(WindowConfig.ofFrames(4, 4));
    SlidingWindower.Outcome o = w.accept(state, "cam", 0, windowFrames(0, 3), 77);
    assertThat(o.windows()).hasSize(1);
    ClipWindow c = o.windows().get(0);
    assertThat(c.firstSequence()).isZero();
    assertThat(c.lastSequence()).isEqualTo(3);
    assertThat(c.startTimeMs()).isEqualTo(captureTime(0));
    assertThat(c.endTimeMs()).isEqualTo(captureTime(3));
    assertThat(c.readyAtMs()).isEqualTo(77);
    assertThat(c.streamId()).isEqualTo("cam");
  }

  @Test
  void accept_oneFrameShort_emitsNothingUntilTheLastFrame() {
    SlidingWindower w = new SlidingWindower(WindowConfig.ofFrames(4, 4));
    assertThat(w.accept(state, "cam", 0, windowFrames(0, 2), 0).windows()).isEmpty();
    assertThat(ranges(w.accept(state, "cam", 1, windowFrames(3, 3), 0).windows()))
        .containsExactly(new long[] {0, 3});
  }

  @Test
  void accept_hopSmallerThanLength_emitsOverlappingWindows() {
    SlidingWindower w = new SlidingWindower(WindowConfig.ofFrames(4, 2));
    List<ClipWindow> out = w.accept(state, "cam", 0, windowFrames(0, 9), 0).windows();
    assertThat(ranges(out))
        .containsExactly(
            new long[] {0, 3}, new long[] {2, 5}, new long[] {4, 7}, new long[] {6, 9});
  }

  @Test
  void accept_stride_samplesEveryStrideFrames() {
    SlidingWindower w = new SlidingWindower(new WindowConfig(3, WindowSpacing.FRAMES, 6, 2, 8));
    List<ClipWindow> out = w.accept(state, "cam", 0, windowFrames(0, 11), 0).windows();
    assertThat(out).hasSize(2);
    assertThat(sequences(out.get(0))).containsExactly(0L, 2L, 4L);
    assertThat(sequences(out.get(1))).containsExactly(6L, 8L, 10L);
  }

  @Test
  void accept_duplicateBatchSequence_isIgnored() {
    SlidingWindower w = new SlidingWindower(WindowConfig.ofFrames(4, 4));
    w.accept(state, "cam", 0, windowFrames(0, 1), 0);
    SlidingWindower.Outcome dup = w.accept(state, "cam", 0, windowFrames(2, 3), 0);
    assertThat(dup.duplicate()).isTrue();
    assertThat(dup.windows()).isEmpty();
    assertThat(state.pending()).containsOnlyKeys(0L, 1L);
  }

  @Test
  void accept_replayedBatchAfterItsWindow_emitsNoSecondWindow() {
    SlidingWindower w = new SlidingWindower(WindowConfig.ofFrames(4, 4));
    assertThat(w.accept(state, "cam", 0, windowFrames(0, 3), 0).windows()).hasSize(1);
    assertThat(w.accept(state, "cam", 0, windowFrames(0, 3), 0).windows()).isEmpty();
  }

  @Test
  void accept_outOfOrderBatchesWithinBound_arePlacedBySequence() {
    SlidingWindower w = new SlidingWindower(WindowConfig.ofFrames(4, 4).withReorderBound(8));
    assertThat(w.accept(state, "cam", 0, windowFrames(0, 1), 0).windows()).isEmpty();
    assertThat(w.accept(state, "cam", 2, windowFrames(4, 5), 0).windows()).isEmpty();
    List<ClipWindow> out = w.accept(state, "cam", 1, windowFrames(2, 3), 0).windows();
    assertThat(ranges(out)).containsExactly(new long[] {0, 3});
    assertThat(sequences(out.get(0))).containsExactly(0L, 1L, 2L, 3L);
  }

  @Test
  void accept_gapInSequenceBeyondBound_startsNewWindowAfterTheGap() {
    SlidingWindower w = new SlidingWindower(WindowConfig.ofFrames(4, 4).withReorderBound(3));
    w.accept(state, "cam", 0, windowFrames(0, 1), 0);
    // frames 2 and 3 are lost; 4..9 arrive: 9 - 2 > 3, so the window at 0 is abandoned
    SlidingWindower.Outcome o = w.accept(state, "cam", 1, windowFrames(4, 9), 0);
    assertThat(o.gaps()).isEqualTo(1);
    assertThat(ranges(o.windows())).containsExactly(new long[] {4, 7});
  }

  @Test
  void accept_gapWithinBound_waitsForTheMissingFrame() {
    SlidingWindower w = new SlidingWindower(WindowConfig.ofFrames(4, 4).withReorderBound(8));
    w.accept(state, "cam", 0, windowFrames(0, 1), 0);
    SlidingWindower.Outcome o = w.accept(state, "cam", 1, windowFrames(4, 9), 0);
    assertThat(o.gaps()).isZero();
    assertThat(o.windows()).isEmpty();
  }

  @Test
  void accept_frameOlderThanNextWindow_isDroppedAsLate() {
    SlidingWindower w = new SlidingWindower(WindowConfig.ofFrames(4, 4).withReorderBound(3));
    w.accept(state, "cam", 0, windowFrames(0, 1), 0);
    w.accept(state, "cam", 1, windowFrames(4, 9), 0);
    SlidingWindower.Outcome late = w.accept(state, "cam", 2, windowFrames(2, 3), 0);
    assertThat(late.lateFrames()).isEqualTo(2);
    assertThat(late.windows()).isEmpty();
  }

  @Test
  void accept_timeSpacing_samplesByCaptureTime() {
    // frames every 40 ms; stride 80 ms picks every other frame, hop 160 ms = 4 frames
    SlidingWindower w = new SlidingWindower(new WindowConfig(3, WindowSpacing.TIME, 160, 80, 8));
    List<ClipWindow> out = w.accept(state, "cam", 0, windowFrames(0, 9), 0).windows();
    assertThat(out).hasSize(2);
    assertThat(sequences(out.get(0))).containsExactly(0L, 2L, 4L);
    assertThat(sequences(out.get(1))).containsExactly(4L, 6L, 8L);
    assertThat(out.get(1).startTimeMs() - out.get(0).startTimeMs()).isEqualTo(160);
  }

  @Test
  void accept_timeSpacing_gapBeyondBound_restartsAfterTheGap() {
    SlidingWindower w = new SlidingWindower(new WindowConfig(2, WindowSpacing.TIME, 80, 40, 2));
    w.accept(state, "cam", 0, windowFrames(0, 0), 0);
    SlidingWindower.Outcome o = w.accept(state, "cam", 1, windowFrames(5, 8), 0);
    assertThat(o.gaps()).isEqualTo(1);
    assertThat(o.windows()).hasSize(2);
    assertThat(sequences(o.windows().get(0))).containsExactly(5L, 6L);
    assertThat(sequences(o.windows().get(1))).containsExactly(7L, 8L);
  }

  @Test
  void state_survivesTheStoreCodec() {
    SlidingWindower w = new SlidingWindower(WindowConfig.ofFrames(4, 4));
    w.accept(state, "cam", 0, windowFrames(0, 5), 0);
    StreamWindowState copy = WindowCodec.decodeState(WindowCodec.encodeState(state));
    assertThat(copy.pending()).containsOnlyKeys(4L, 5L);
    assertThat(copy.pending().get(5L).data()).isEqualTo(Frames.rgb(5));
    assertThat(copy.seenBatches()).containsExactly(0L);
    assertThat(copy.nextStartSequence()).hasValue(4);
    assertThat(copy.lastEmittedFirstSequence()).hasValue(0);
    // the copy goes on exactly as the original would
    assertThat(ranges(w.accept(copy, "cam", 1, windowFrames(6, 7), 0).windows()))
        .containsExactly(new long[] {4, 7});
  }

  @Test
  void state_keepsTheStreamsPositionAndClockThroughTheCodec_andReadsTheFormerFormat() {
    SlidingWindower w = new SlidingWindower(WindowConfig.ofFrames(4, 4));
    w.accept(state, "cam", 0, windowFrames(0, 5), 77_000);
    assertThat(state.acceptedAtMs).isEqualTo(77_000);
    assertThat(state.latestCaptureMs).isEqualTo(Frames.captureTime(5));
    StreamWindowState copy = WindowCodec.decodeState(WindowCodec.encodeState(state));
    assertThat(copy.acceptedAtMs).isEqualTo(77_000);
    assertThat(copy.latestCaptureMs).isEqualTo(Frames.captureTime(5));
    // a state written by the former format (1): the same bytes without the two trailing longs
    byte[] v2 = WindowCodec.encodeState(state);
    byte[] v1 = java.util.Arrays.copyOf(v2, v2.length - 16);
    v1[0] = 1;
    StreamWindowState old = WindowCodec.decodeState(v1);
    assertThat(old.pending()).containsOnlyKeys(4L, 5L);
    assertThat(old.acceptedAtMs).isZero();
    assertThat(old.latestCaptureMs).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void windowCodec_roundTripsAClip() {
    ClipWindow c = new ClipWindow("cam", 4, 7, 10, 20, 30, windowFrames(4, 7));
    ClipWindow back = WindowCodec.decodeWindow(WindowCodec.encodeWindow(c));
    assertThat(back.streamId()).isEqualTo("cam");
    assertThat(back.firstSequence()).isEqualTo(4);
    assertThat(back.lastSequence()).isEqualTo(7);
    assertThat(back.readyAtMs()).isEqualTo(30);
    assertThat(back.frames().get(3).data()).isEqualTo(Frames.rgb(7));
  }

  @Test
  void windowCodec_writesTheDataOutputStreamFormat_forAnyStreamId() throws Exception {
    // the store format predates the exact-size writer: a changelog written before stays readable
    String id = "cam\u00e9ra-\u5317-\u0000-\ud83d\ude00";
    ClipWindow c = new ClipWindow(id, 4, 7, 10, 20, 30, windowFrames(4, 7));
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.writeByte(1);
      out.writeUTF(id);
      for (long v : new long[] {4, 7, 10, 20, 30}) {
        out.writeLong(v);
      }
      out.writeInt(c.frames().size());
      for (WindowFrame f : c.frames()) {
        out.writeLong(f.sequence());
        out.writeLong(f.captureTimeMs());
        out.writeByte(f.encoding().ordinal());
        out.writeInt(f.width());
        out.writeInt(f.height());
        out.writeInt(f.data().length);
        out.write(f.data());
      }
    }
    byte[] encoded = WindowCodec.encodeWindow(c);
    assertThat(encoded).isEqualTo(bytes.toByteArray());
    assertThat(WindowCodec.decodeWindow(encoded).streamId()).isEqualTo(id);
  }

  @Test
  void rememberBatch_keepsTheLatestHistory_likeASortedSet() {
    // reference: the sorted set the state used to keep
    java.util.TreeSet<Long> model = new java.util.TreeSet<>();
    java.util.Random random = new java.util.Random(3);
    StreamWindowState s = new StreamWindowState();
    for (int i = 0; i < 2000; i++) {
      long b = i + random.nextInt(40) - 20 - (random.nextInt(10) == 0 ? 400 : 0);
      boolean expected =
          !model.contains(b)
              && !(model.size() >= StreamWindowState.SEEN_BATCH_HISTORY && b < model.first());
      if (expected) {
        model.add(b);
        while (model.size() > StreamWindowState.SEEN_BATCH_HISTORY) {
          model.pollFirst();
        }
      }
      assertThat(s.rememberBatch(b)).as("batch %d at step %d", b, i).isEqualTo(expected);
    }
    assertThat(s.seenBatches()).containsExactlyElementsOf(model);
    StreamWindowState copy = WindowCodec.decodeState(WindowCodec.encodeState(s));
    assertThat(copy.seenBatches()).containsExactlyElementsOf(model);
  }
}
