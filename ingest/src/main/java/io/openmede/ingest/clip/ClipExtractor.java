package io.openmede.ingest.clip;

import io.openmede.ingest.frame.FrameBatcher;
import io.openmede.ingest.frame.FrameSize;
import io.openmede.ingest.frame.JpegEncoder;
import io.openmede.ingest.source.DecodedFrame;
import io.openmede.ingest.source.SourceException;
import io.openmede.ingest.source.SourceOptions;
import io.openmede.ingest.source.VideoFileSource;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabeledClip;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Cuts the clips of one dataset video into {@link LabeledClip} records of JPEG frames.
 *
 * <p>Frames are found by decoding the video front to back, never by seeking, so clip frames are
 * exact in every container (seeking is off by one in some AVI files). The clip positions are
 * planned from the frame count the container declares; when decoding finds another count, they are
 * planned again from the true count and a second pass collects any frame the first did not keep.
 * Only the planned frames are kept in memory, JPEG-encoded. Not thread-safe (one JPEG writer);
 * {@link #close()} it.
 */
public final class ClipExtractor implements AutoCloseable {

  /** The clips of one video, and notes for the report (a file shorter than it declares). */
  public record Extraction(List<LabeledClip> clips, List<String> warnings) {
    public Extraction {
      clips = List.copyOf(clips);
      warnings = List.copyOf(warnings);
    }
  }

  private final ClipSampling sampling;
  private final int clipsPerVideo;
  private final Optional<FrameSize> size;
  private final JpegEncoder jpeg;
  private final String split;
  private final int maxMessageBytes;

  /**
   * @param sampling which frames make a clip
   * @param clipsPerVideo clips per video (1 for training; 3 for the paper's test views)
   * @param size frame size (scaled by FFmpeg while decoding), or empty for the video's own
   * @param jpegQuality 1..100
   * @param split the split tag of every clip ("train", "eval", ...)
   * @param maxMessageBytes the largest Kafka value allowed; larger clips are errors
   */
  public ClipExtractor(
      ClipSampling sampling,
      int clipsPerVideo,
      Optional<FrameSize> size,
      int jpegQuality,
      String split,
      int maxMessageBytes) {
    this.sampling = Objects.requireNonNull(sampling, "sampling");
    if (clipsPerVideo < 1) {
      throw new IllegalArgumentException("clips per video " + clipsPerVideo + " must be >= 1");
    }
    this.clipsPerVideo = clipsPerVideo;
    this.size = Objects.requireNonNull(size, "size");
    this.jpeg = new JpegEncoder(jpegQuality);
    this.split = Objects.requireNonNull(split, "split");
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * The clips of {@code entry}'s video.
   *
   * @throws SourceException when the video is missing, not a video, or has no decodable frame; or
   *     when a clip exceeds the maximum message size
   */
  public Extraction extract(DatasetEntry entry) throws SourceException {
    Map<Integer, byte[]> kept = new HashMap<>();
    int[] size2 = new int[2];
    int declared;
    int total;
    List<String> warnings = new ArrayList<>();
    try (VideoFileSource source = open(entry)) {
      source.open();
      declared = source.declaredFrameCount();
      Set<Integer> wanted = declared > 0 ? indices(declared) : Set.of();
      total = decode(source, wanted, declared <= 0, kept, size2);
    }
    if (declared > 0 && total != declared) {
      Set<Integer> missing = new HashSet<>(indices(total));
      missing.removeAll(kept.keySet());
      if (!missing.isEmpty()) {
        try (VideoFileSource again = open(entry)) {
          decode(again, missing, false, kept, size2);
        }
      }
      if (total < declared * 0.9) {
        warnings.add(
            entry.video()
                + ": decoded "
                + total
                + " of the "
                + declared
                + " frames the file declares (truncated or damaged?); clips use the "
                + total
                + " decodable frames");
      }
    }
    List<LabeledClip> clips = new ArrayList<>(clipsPerVideo);
    List<int[]> plan = sampling.clips(total, clipsPerVideo);
    for (int c = 0; c < plan.size(); c++) {
      int[] idx = plan.get(c);
      List<ByteBuffer> frames = new ArrayList<>(idx.length);
      for (int i : idx) {
        byte[] data = kept.get(i);
        if (data == null) {
          throw new SourceException(
              entry.video() + ": frame " + i + " could not be decoded a second time");
        }
        frames.add(ByteBuffer.wrap(data));
      }
      LabeledClip clip =
          LabeledClip.newBuilder()
              .setClipId(entry.listedPath() + "#" + c)
              .setLabel(entry.label())
              .setWidth(size2[0])
              .setHeight(size2[1])
              .setEncoding(FrameEncoding.JPEG)
              .setFrames(frames)
              .setSource(
                  entry.video()
                      + " frames "
                      + Arrays.stream(idx)
                          .mapToObj(Integer::toString)
                          .collect(Collectors.joining(",")))
              .setSplit(split)
              .setVideoId(entry.listedPath())
              .build();
      long bytes = wireBytes(clip);
      if (bytes > maxMessageBytes) {
        throw new SourceException(
            entry.video()
                + ": clip "
                + c
                + " is "
                + bytes
                + " bytes as a message, over the maximum of "
                + maxMessageBytes
                + "; lower the JPEG quality or the frame size, or raise --max-message-bytes");
      }
      clips.add(clip);
    }
    return new Extraction(clips, warnings);
  }

  private VideoFileSource open(DatasetEntry entry) {
    return new VideoFileSource(entry.video(), SourceOptions.defaults().withSize(size));
  }

  private Set<Integer> indices(int total) {
    Set<Integer> set = new HashSet<>();
    for (int[] clip : sampling.clips(total, clipsPerVideo)) {
      for (int i : clip) {
        set.add(i);
      }
    }
    return set;
  }

  /** Decodes to the end, keeping the wanted (or all) frames as JPEG; returns the frame count. */
  private int decode(
      VideoFileSource source,
      Set<Integer> wanted,
      boolean keepAll,
      Map<Integer, byte[]> kept,
      int[] size2)
      throws SourceException {
    int count = 0;
    Optional<DecodedFrame> next;
    while ((next = source.next()).isPresent()) {
      DecodedFrame f = next.get();
      if ((keepAll || wanted.contains(count)) && !kept.containsKey(count)) {
        kept.put(count, jpeg.encode(f.rgb(), f.width(), f.height()));
        size2[0] = f.width();
        size2[1] = f.height();
      }
      count++;
    }
    return count;
  }

  /** Size of a clip's Kafka value: the Avro body plus the 5-byte Confluent header. */
  static long wireBytes(LabeledClip clip) {
    try {
      // toByteBuffer() is Avro single-object encoding: a 10-byte header before the body.
      return clip.toByteBuffer().remaining() - 10L + FrameBatcher.CONFLUENT_HEADER_BYTES;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    jpeg.close();
  }
}
