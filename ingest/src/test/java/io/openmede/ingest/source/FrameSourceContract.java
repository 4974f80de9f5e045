package io.openmede.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link FrameSource} keeps, run against a finite instance of each
 * implementation: frames come in sequence order from 0 without gaps, are packed RGB of their stated
 * size, capture times never decrease, an exhausted or closed source stays empty, close is
 * idempotent, and open is idempotent.
 */
public abstract class FrameSourceContract {

  /** A new, unopened source that yields exactly {@link #expectedFrames()} frames and ends. */
  protected abstract FrameSource createSource() throws Exception;

  protected abstract long expectedFrames();

  protected abstract boolean expectedLive();

  private static List<DecodedFrame> drain(FrameSource source) throws SourceException {
    List<DecodedFrame> frames = new ArrayList<>();
    Optional<DecodedFrame> f;
    while ((f = source.next()).isPresent()) {
      frames.add(f.get());
    }
    return frames;
  }

  @Test
  void next_readsEveryFrame_withSequencesFromZeroIncreasingByOne() throws Exception {
    try (FrameSource source = createSource()) {
      List<DecodedFrame> frames = drain(source);
      assertThat(frames).hasSize((int) expectedFrames());
      for (int i = 0; i < frames.size(); i++) {
        assertThat(frames.get(i).sequence()).isEqualTo(i);
      }
    }
  }

  @Test
  void frames_arePackedRgbOfTheirStatedSize() throws Exception {
    try (FrameSource source = createSource()) {
      for (DecodedFrame f : drain(source)) {
        assertThat(f.rgb()).hasSize(f.width() * f.height() * 3);
      }
    }
  }

  @Test
  void captureTimes_neverDecrease() throws Exception {
    try (FrameSource source = createSource()) {
      List<DecodedFrame> frames = drain(source);
      for (int i = 1; i < frames.size(); i++) {
        assertThat(frames.get(i).captureTime()).isAfterOrEqualTo(frames.get(i - 1).captureTime());
      }
    }
  }

  @Test
  void next_afterExhaustion_staysEmpty() throws Exception {
    try (FrameSource source = createSource()) {
      drain(source);
      assertThat(source.next()).isEmpty();
      assertThat(source.next()).isEmpty();
    }
  }

  @Test
  void close_isIdempotent_andNextAfterCloseIsEmpty() throws Exception {
    FrameSource source = createSource();
    source.open();
    assertThat(source.next()).isPresent();
    source.close();
    source.close();
    assertThat(source.next()).isEmpty();
  }

  @Test
  void close_beforeOpen_isAllowed() throws Exception {
    FrameSource source = createSource();
    source.close();
    assertThat(source.next()).isEmpty();
  }

  @Test
  void open_twice_doesNotRestartTheSource() throws Exception {
    try (FrameSource source = createSource()) {
      source.open();
      assertThat(source.next().orElseThrow().sequence()).isZero();
      source.open();
      assertThat(source.next().orElseThrow().sequence()).isEqualTo(1);
    }
  }

  @Test
  void live_matchesTheKindOfSource() throws Exception {
    try (FrameSource source = createSource()) {
      assertThat(source.live()).isEqualTo(expectedLive());
      assertThat(source.description()).isNotBlank();
    }
  }
}
