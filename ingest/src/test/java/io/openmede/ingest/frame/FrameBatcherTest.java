package io.openmede.ingest.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameBatcherTest {
  private static final Instant T0 = Instant.parse("2026-11-26T12:00:00.123Z");

  private static EncodedFrame jpegOfSize(long sequence, int bytes) {
    byte[] data = new byte[bytes];
    new Random(sequence).nextBytes(data);
    return new EncodedFrame(
        sequence, T0.plusMillis(33 * sequence), 224, 224, FrameEncoding.JPEG, data);
  }

  /**
   * The Confluent wire size: generated toByteBuffer() is single-object encoding (10-byte header).
   */
  private static long wireBytes(FrameBatch batch) throws Exception {
    return batch.toByteBuffer().remaining() - 10 + FrameBatcher.CONFLUENT_HEADER_BYTES;
  }

  @Test
  void messageBytes_equalsTheAvroEncodingPlusTheConfluentHeader() throws Exception {
    for (int frames : new int[] {0, 1, 3, 70}) {
      List<Frame> list = new ArrayList<>();
      for (int i = 0; i < frames; i++) {
        list.add(new Frame(1000L * i + 63, T0.plusSeconds(i), ByteBuffer.wrap(new byte[i * 37])));
      }
      for (String source : new String[] {null, "", "rtsp://cam/ü"}) {
        FrameBatch batch =
            new FrameBatch("stream-ä", 1L << 40, 1920, 1080, FrameEncoding.RGB, list, source);
        assertThat(FrameBatcher.messageBytes(batch)).isEqualTo(wireBytes(batch));
      }
    }
  }

  @Test
  void add_fullBatch_isEmittedWithSequencesAndTimes() {
    FrameBatcher batcher = new FrameBatcher("cam-1", Optional.of("file.mp4"), 3, 1 << 20, 0);
    List<FrameBatch> out = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      out.addAll(batcher.add(jpegOfSize(i, 100)));
    }
    batcher.flush().ifPresent(out::add);
    assertThat(out).extracting(FrameBatch::getBatchSequence).containsExactly(0L, 1L, 2L);
    assertThat(out).extracting(b -> b.getFrames().size()).containsExactly(3, 3, 1);
    assertThat(out.get(1).getFrames().get(0).getSequence()).isEqualTo(3);
    assertThat(out.get(1).getFrames().get(0).getCaptureTime()).isEqualTo(T0.plusMillis(99));
    assertThat(out.get(0).getStreamId()).isEqualTo("cam-1");
    assertThat(out.get(0).getSource()).isEqualTo("file.mp4");
    assertThat(out.get(0).getWidth()).isEqualTo(224);
    assertThat(batcher.flush()).isEmpty();
  }

  @Test
  void add_smallMaxMessageSize_splitsBatches_neverOverTheLimit_keepingEveryFrameInOrder()
      throws Exception {
    int max = 10_000;
    FrameBatcher batcher = new FrameBatcher("cam-1", Optional.empty(), 8, max, 0);
    List<FrameBatch> out = new ArrayList<>();
    Random sizes = new Random(7);
    for (int i = 0; i < 200; i++) {
      out.addAll(batcher.add(jpegOfSize(i, 500 + sizes.nextInt(4000))));
    }
    batcher.flush().ifPresent(out::add);
    long expected = 0;
    for (FrameBatch b : out) {
      assertThat(wireBytes(b)).isLessThanOrEqualTo(max);
      for (Frame f : b.getFrames()) {
        assertThat(f.getSequence()).isEqualTo(expected++);
      }
    }
    assertThat(expected).isEqualTo(200);
    assertThat(out.size()).isGreaterThan(200 / 8);
  }

  @Test
  void add_frameFillingTheLimitExactly_isAccepted_oneByteMoreIsNot() throws Exception {
    int max = 10_000;
    FrameBatcher probe = new FrameBatcher("cam-1", Optional.empty(), 8, max, 0);
    probe.add(jpegOfSize(0, 9000)); // same length-prefix size (3 bytes) as the frame below
    long overhead = FrameBatcher.messageBytes(probe.flush().orElseThrow()) - 9000;
    int fits = (int) (max - overhead);
    FrameBatcher batcher = new FrameBatcher("cam-1", Optional.empty(), 8, max, 0);
    batcher.add(jpegOfSize(0, fits));
    assertThat(wireBytes(batcher.flush().orElseThrow())).isEqualTo(max);
    FrameBatcher over = new FrameBatcher("cam-1", Optional.empty(), 8, max, 0);
    assertThatThrownBy(() -> over.add(jpegOfSize(0, fits + 1)))
        .isInstanceOf(FrameTooLargeException.class);
  }

  @Test
  void add_frameLargerThanTheLimit_failsNamingSizesAndFix() {
    FrameBatcher batcher = new FrameBatcher("cam-9", Optional.empty(), 8, 1000, 0);
    assertThatThrownBy(() -> batcher.add(jpegOfSize(5, 2000)))
        .isInstanceOf(FrameTooLargeException.class)
        .hasMessageContaining("frame 5 of stream cam-9 is 2000 bytes")
        .hasMessageContaining("maximum message size of 1000 bytes")
        .hasMessageContaining("--max-message-bytes");
  }

  @Test
  void add_sizeChange_closesTheBatch() {
    FrameBatcher batcher = new FrameBatcher("s", Optional.empty(), 8, 1 << 20, 10);
    assertThat(batcher.add(jpegOfSize(0, 10))).isEmpty();
    List<FrameBatch> done =
        batcher.add(new EncodedFrame(1, T0, 100, 50, FrameEncoding.JPEG, new byte[10]));
    assertThat(done).singleElement().satisfies(b -> assertThat(b.getBatchSequence()).isEqualTo(10));
    assertThat(batcher.flush().orElseThrow().getWidth()).isEqualTo(100);
  }
}
