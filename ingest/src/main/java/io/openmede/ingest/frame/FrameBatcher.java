package io.openmede.ingest.frame;

import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Groups encoded frames of one stream into {@link FrameBatch} records of at most {@code maxFrames}
 * frames whose Kafka value (Confluent wire format: 5 header bytes plus the Avro binary body) never
 * exceeds {@code maxMessageBytes}. A batch is closed early when the next frame would overflow it,
 * or when the frame size or encoding changes (every frame of a batch shares them). Batch sequence
 * numbers start at 0 and increase by one per batch.
 *
 * <p>Sizes are computed exactly from the Avro binary encoding, without serialising. Not
 * thread-safe: one per stream.
 */
public final class FrameBatcher {
  /** Magic byte and 4-byte schema id of the Confluent wire format. */
  public static final int CONFLUENT_HEADER_BYTES = 5;

  private final String streamId;
  private final Optional<String> source;
  private final int maxFrames;
  private final int maxMessageBytes;
  private final List<EncodedFrame> pending = new ArrayList<>();
  private long pendingFrameBytes;
  private long nextBatchSequence;

  /**
   * @param streamId the stream id (record key and {@code streamId} field)
   * @param source where the frames come from, for the {@code source} field
   * @param maxFrames frames per batch at most; at least 1
   * @param maxMessageBytes the largest Kafka record value allowed, in bytes
   * @param firstBatchSequence the sequence number of the first batch (0 for a new stream)
   */
  public FrameBatcher(
      String streamId,
      Optional<String> source,
      int maxFrames,
      int maxMessageBytes,
      long firstBatchSequence) {
    this.streamId = Objects.requireNonNull(streamId, "streamId");
    this.source = Objects.requireNonNull(source, "source");
    if (maxFrames < 1) {
      throw new IllegalArgumentException("frames per batch " + maxFrames + " must be at least 1");
    }
    if (maxMessageBytes < 64) {
      throw new IllegalArgumentException(
          "max message size " + maxMessageBytes + " bytes is too small for any frame batch");
    }
    this.maxFrames = maxFrames;
    this.maxMessageBytes = maxMessageBytes;
    this.nextBatchSequence = firstBatchSequence;
  }

  /**
   * Adds a frame and returns the batches it completed (none, or one; two when a full batch is
   * followed by a change of size).
   *
   * @throws FrameTooLargeException when the frame alone exceeds the maximum message size
   */
  public List<FrameBatch> add(EncodedFrame frame) {
    long alone = messageBytes(envelopeBytes(nextBatchSequence, frame), 1, frameBytes(frame));
    if (alone > maxMessageBytes) {
      throw new FrameTooLargeException(
          "frame "
              + frame.sequence()
              + " of stream "
              + streamId
              + " is "
              + frame.data().length
              + " bytes encoded ("
              + alone
              + " bytes as a message), over the maximum message size of "
              + maxMessageBytes
              + " bytes; lower the JPEG quality or the frame size, or raise --max-message-bytes"
              + " together with the topic's max.message.bytes");
    }
    List<FrameBatch> done = new ArrayList<>(1);
    if (!pending.isEmpty()) {
      EncodedFrame first = pending.get(0);
      boolean sameShape =
          first.width() == frame.width()
              && first.height() == frame.height()
              && first.encoding() == frame.encoding();
      long grown =
          messageBytes(
              envelopeBytes(nextBatchSequence, frame),
              pending.size() + 1,
              pendingFrameBytes + frameBytes(frame));
      if (!sameShape || pending.size() >= maxFrames || grown > maxMessageBytes) {
        done.add(build());
      }
    }
    pending.add(frame);
    pendingFrameBytes += frameBytes(frame);
    if (pending.size() >= maxFrames) {
      done.add(build());
    }
    return done;
  }

  /** The batch of the frames added since the last batch, if any. */
  public Optional<FrameBatch> flush() {
    return pending.isEmpty() ? Optional.empty() : Optional.of(build());
  }

  /** The sequence number the next batch will get. */
  public long nextBatchSequence() {
    return nextBatchSequence;
  }

  private FrameBatch build() {
    EncodedFrame first = pending.get(0);
    List<Frame> frames = new ArrayList<>(pending.size());
    for (EncodedFrame f : pending) {
      frames.add(new Frame(f.sequence(), f.captureTime(), ByteBuffer.wrap(f.data())));
    }
    FrameBatch batch =
        FrameBatch.newBuilder()
            .setStreamId(streamId)
            .setBatchSequence(nextBatchSequence++)
            .setWidth(first.width())
            .setHeight(first.height())
            .setEncoding(first.encoding())
            .setFrames(frames)
            .setSource(source.orElse(null))
            .build();
    pending.clear();
    pendingFrameBytes = 0;
    return batch;
  }

  /** Bytes of everything but the frames array, for a batch of the given number and shape. */
  private long envelopeBytes(long batchSequence, EncodedFrame shape) {
    return stringBytes(streamId)
        + varLongBytes(batchSequence)
        + varLongBytes(shape.width())
        + varLongBytes(shape.height())
        + varLongBytes(shape.encoding().ordinal())
        + 1 // union index of source
        + source.map(FrameBatcher::stringBytes).orElse(0L);
  }

  private static long messageBytes(long envelope, int frameCount, long frameBytes) {
    // array: one block (count, items) then the 0 terminator
    return CONFLUENT_HEADER_BYTES + envelope + varLongBytes(frameCount) + frameBytes + 1;
  }

  private static long frameBytes(EncodedFrame f) {
    return varLongBytes(f.sequence())
        + varLongBytes(f.captureTime().toEpochMilli())
        + varLongBytes(f.data().length)
        + f.data().length;
  }

  /**
   * The exact size of a batch's Kafka value in the Confluent wire format: 5 header bytes plus the
   * Avro binary body.
   */
  public static long messageBytes(FrameBatch batch) {
    long body =
        stringBytes(batch.getStreamId())
            + varLongBytes(batch.getBatchSequence())
            + varLongBytes(batch.getWidth())
            + varLongBytes(batch.getHeight())
            + varLongBytes(batch.getEncoding().ordinal())
            + (batch.getSource() == null ? 1 : 1 + stringBytes(batch.getSource()));
    List<Frame> frames = batch.getFrames();
    if (!frames.isEmpty()) {
      body += varLongBytes(frames.size());
      for (Frame f : frames) {
        int n = f.getData().remaining();
        body +=
            varLongBytes(f.getSequence())
                + varLongBytes(f.getCaptureTime().toEpochMilli())
                + varLongBytes(n)
                + n;
      }
    }
    body += 1;
    return CONFLUENT_HEADER_BYTES + body;
  }

  static long stringBytes(String s) {
    int n = s.getBytes(StandardCharsets.UTF_8).length;
    return varLongBytes(n) + n;
  }

  /** Bytes of a zig-zag varint, as Avro writes int and long. */
  static int varLongBytes(long value) {
    long zigzag = (value << 1) ^ (value >> 63);
    int bytes = 1;
    while ((zigzag & ~0x7FL) != 0) {
      zigzag >>>= 7;
      bytes++;
    }
    return bytes;
  }
}
