package io.openmede.recognizer.window;

import io.openmede.schemas.avro.FrameEncoding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Binary forms of {@link StreamWindowState} and {@link ClipWindow} for the recognizer's own state
 * stores and their changelogs. Internal to the recognizer (never on a public topic), versioned by a
 * leading format byte.
 */
public final class WindowCodec {

  /** The window format, and the state format before the stream's position was kept. */
  private static final byte FORMAT = 1;

  /** The state format: format 1 and the time and clock of the stream's last accepted batch. */
  private static final byte STATE_FORMAT = 2;

  private WindowCodec() {}

  /** Serde of a stream's window state. */
  public static Serde<StreamWindowState> stateSerde() {
    return Serdes.serdeFrom(
        (topic, s) -> s == null ? null : encodeState(s),
        (topic, b) -> b == null ? null : decodeState(b));
  }

  /** Serde of a ready clip window. */
  public static Serde<ClipWindow> windowSerde() {
    return Serdes.serdeFrom(
        (topic, w) -> w == null ? null : encodeWindow(w),
        (topic, b) -> b == null ? null : decodeWindow(b));
  }

  static byte[] encodeState(StreamWindowState s) {
    int size = 1 + 3 * 9 + 8 + 4 + 8 * s.seenBatches.length + 4 + 2 * 8;
    for (WindowFrame f : s.pending.values()) {
      size += frameSize(f);
    }
    return write(
        size,
        out -> {
          out.writeByte(STATE_FORMAT);
          writeOptional(out, s.nextStartSequence);
          writeOptional(out, s.nextStartTimeMs);
          writeOptional(out, s.lastEmittedFirstSequence);
          out.writeLong(s.highestSequence);
          out.writeInt(s.seenBatches.length);
          for (long b : s.seenBatches) {
            out.writeLong(b);
          }
          out.writeInt(s.pending.size());
          for (WindowFrame f : s.pending.values()) {
            writeFrame(out, f);
          }
          out.writeLong(s.latestCaptureMs);
          out.writeLong(s.acceptedAtMs);
        });
  }

  static StreamWindowState decodeState(byte[] bytes) {
    return read(
        bytes,
        in -> {
          byte format = in.readByte();
          if (format != FORMAT && format != STATE_FORMAT) {
            throw new IOException(
                "unknown window state format " + format + "; expected " + STATE_FORMAT);
          }
          StreamWindowState s = new StreamWindowState();
          s.nextStartSequence = readOptional(in);
          s.nextStartTimeMs = readOptional(in);
          s.lastEmittedFirstSequence = readOptional(in);
          s.highestSequence = in.readLong();
          int seen = in.readInt();
          if (seen < 0 || seen > StreamWindowState.SEEN_BATCH_HISTORY) {
            throw new IOException("window state remembers " + seen + " batches");
          }
          long[] batches = new long[seen];
          for (int i = 0; i < seen; i++) {
            batches[i] = in.readLong();
          }
          s.seenBatches = batches;
          int pending = in.readInt();
          for (int i = 0; i < pending; i++) {
            WindowFrame f = readFrame(in);
            s.pending.put(f.sequence(), f);
          }
          if (format == STATE_FORMAT) {
            s.latestCaptureMs = in.readLong();
            s.acceptedAtMs = in.readLong();
          }
          return s;
        });
  }

  static byte[] encodeWindow(ClipWindow w) {
    int size = 1 + 2 + modifiedUtf8Length(w.streamId()) + 5 * 8 + 4;
    for (WindowFrame f : w.frames()) {
      size += frameSize(f);
    }
    return write(
        size,
        out -> {
          out.writeByte(FORMAT);
          out.writeUTF(w.streamId());
          out.writeLong(w.firstSequence());
          out.writeLong(w.lastSequence());
          out.writeLong(w.startTimeMs());
          out.writeLong(w.endTimeMs());
          out.writeLong(w.readyAtMs());
          out.writeInt(w.frames().size());
          for (WindowFrame f : w.frames()) {
            writeFrame(out, f);
          }
        });
  }

  static ClipWindow decodeWindow(byte[] bytes) {
    return read(
        bytes,
        in -> {
          checkFormat(in);
          String stream = in.readUTF();
          long first = in.readLong();
          long last = in.readLong();
          long start = in.readLong();
          long end = in.readLong();
          long ready = in.readLong();
          int n = in.readInt();
          List<WindowFrame> frames = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            frames.add(readFrame(in));
          }
          return new ClipWindow(stream, first, last, start, end, ready, frames);
        });
  }

  /** Bytes {@link #writeFrame} writes. */
  private static int frameSize(WindowFrame f) {
    return 8 + 8 + 1 + 4 + 4 + 4 + f.data().length;
  }

  /** Bytes of {@code s} in {@link DataOutputStream#writeUTF}'s modified UTF-8, without length. */
  private static int modifiedUtf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c >= 0x0001 && c <= 0x007f ? 1 : c <= 0x07ff ? 2 : 3;
    }
    return n;
  }

  private static void writeFrame(DataOutputStream out, WindowFrame f) throws IOException {
    out.writeLong(f.sequence());
    out.writeLong(f.captureTimeMs());
    out.writeByte(f.encoding().ordinal());
    out.writeInt(f.width());
    out.writeInt(f.height());
    out.writeInt(f.data().length);
    out.write(f.data());
  }

  private static WindowFrame readFrame(DataInputStream in) throws IOException {
    long seq = in.readLong();
    long t = in.readLong();
    FrameEncoding enc = FrameEncoding.values()[in.readByte()];
    int w = in.readInt();
    int h = in.readInt();
    byte[] data = new byte[in.readInt()];
    in.readFully(data);
    return new WindowFrame(seq, t, enc, w, h, data);
  }

  private static void writeOptional(DataOutputStream out, OptionalLong v) throws IOException {
    out.writeBoolean(v.isPresent());
    out.writeLong(v.orElse(0));
  }

  private static OptionalLong readOptional(DataInputStream in) throws IOException {
    boolean present = in.readBoolean();
    long v = in.readLong();
    return present ? OptionalLong.of(v) : OptionalLong.empty();
  }

  private static void checkFormat(DataInputStream in) throws IOException {
    byte f = in.readByte();
    if (f != FORMAT) {
      throw new IOException("unknown window state format " + f + "; expected " + FORMAT);
    }
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  /** Writes into an array of {@code size} bytes, the exact size (larger or smaller still works). */
  private static byte[] write(int size, Writer w) {
    ExactBytes bytes = new ExactBytes(size);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.bytes();
  }

  /** A byte array stream whose array is returned as it is when it was sized exactly. */
  private static final class ExactBytes extends ByteArrayOutputStream {
    ExactBytes(int size) {
      super(Math.max(1, size));
    }

    byte[] bytes() {
      return count == buf.length ? buf : toByteArray();
    }
  }

  private static <T> T read(byte[] bytes, Reader<T> r) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return r.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
