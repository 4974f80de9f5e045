package io.openmede.model.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format, read and written here (no DJL): an 8-byte little-endian header length, a
 * JSON header mapping tensor names to dtype, shape and byte offsets (plus an optional {@code
 * __metadata__} string map), then the raw little-endian data.
 *
 * <p>Reading converts F32, F16, BF16 (bits shifted into the high half of a float) and F64 to {@code
 * float}; I64 and I32 are read with {@link Reader#longs(String)}. Tensors are read one at a time
 * from a memory map, so files larger than 2 GB work as long as each tensor is under 2 GB.
 */
public final class Safetensors {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Safetensors() {}

  /** One tensor's entry in the header. */
  public record Entry(String dtype, long[] shape, long begin, long end) {
    /** Number of elements. */
    public long elements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /** A tensor to write: shape and float data (stored as F32). */
  public record Tensor(long[] shape, float[] data) {
    /** Checks that the data length matches the shape. */
    public Tensor {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      if (n != data.length) {
        throw new IllegalArgumentException(
            "tensor data has " + data.length + " floats, shape needs " + n);
      }
    }
  }

  /** IEEE 754 half precision bits to float (Java 17 has no Float.float16ToFloat). */
  public static float halfToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h >>> 15) << 31;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** Float to IEEE 754 half precision bits, rounding to nearest even. */
  public static short floatToHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      mant |= 0x800000;
      int shift = 14 - e;
      int half = mant >> shift;
      int rem = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++;
    }
    return (short) (sign | half);
  }

  /** Float to bfloat16 bits (the high half of the float), rounding to nearest even. */
  public static short floatToBfloat16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
    return (short) (rounded >>> 16);
  }

  /** Opens a safetensors file for reading; close it when done. */
  public static Reader open(Path file) throws IOException {
    return new Reader(file);
  }

  /** A reader over one file; not thread-safe. */
  public static final class Reader implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Reader(Path file) throws IOException {
      this.file = file;
      this.channel = FileChannel.open(file, StandardOpenOption.READ);
      try {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(len, 0);
        long headerLength = len.flip().getLong();
        if (headerLength <= 0 || headerLength > 100_000_000L || headerLength + 8 > channel.size()) {
          throw new IOException(
              file + " is not a safetensors file (header length " + headerLength + ")");
        }
        ByteBuffer header = ByteBuffer.allocate((int) headerLength);
        readFully(header, 8);
        dataStart = 8 + headerLength;
        JsonNode root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
        for (Map.Entry<String, JsonNode> e : root.properties()) {
          if (e.getKey().equals("__metadata__")) {
            for (Map.Entry<String, JsonNode> m : e.getValue().properties()) {
              metadata.put(m.getKey(), m.getValue().asText());
            }
            continue;
          }
          JsonNode v = e.getValue();
          JsonNode shapeNode = v.get("shape");
          long[] shape = new long[shapeNode.size()];
          for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
          }
          JsonNode off = v.get("data_offsets");
          entries.put(
              e.getKey(),
              new Entry(v.get("dtype").asText(), shape, off.get(0).asLong(), off.get(1).asLong()));
        }
      } catch (IOException | RuntimeException e) {
        channel.close();
        if (e instanceof IOException io) {
          throw new IOException(
              file + " is not a readable safetensors file: " + io.getMessage(), io);
        }
        throw new IOException(file + " is not a readable safetensors file: " + e, e);
      }
    }

    private void readFully(ByteBuffer buf, long position) throws IOException {
      long pos = position;
      while (buf.hasRemaining()) {
        int n = channel.read(buf, pos);
        if (n < 0) {
          throw new IOException("unexpected end of " + file);
        }
        pos += n;
      }
    }

    /** Tensor entries in file order. */
    public Map<String, Entry> entries() {
      return Collections.unmodifiableMap(entries);
    }

    /** The {@code __metadata__} map (empty if absent). */
    public Map<String, String> metadata() {
      return Collections.unmodifiableMap(metadata);
    }

    private ByteBuffer bytes(String name, Entry e) throws IOException {
      long size = e.end() - e.begin();
      if (size > Integer.MAX_VALUE) {
        throw new IOException("tensor " + name + " in " + file + " is over 2 GB");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
      readFully(buf, dataStart + e.begin());
      buf.flip();
      return buf;
    }

    private Entry entry(String name) {
      Entry e = entries.get(name);
      if (e == null) {
        throw new IllegalArgumentException("no tensor '" + name + "' in " + file);
      }
      return e;
    }

    /**
     * A tensor converted to float.
     *
     * @throws IOException for a dtype that is not a float type, naming it
     */
    public float[] floats(String name) throws IOException {
      Entry e = entry(name);
      int n = Math.toIntExact(e.elements());
      ByteBuffer b = bytes(name, e);
      float[] out = new float[n];
      switch (e.dtype()) {
        case "F32" -> b.asFloatBuffer().get(out);
        case "F16" -> {
          for (int i = 0; i < n; i++) {
            out[i] = halfToFloat(b.getShort());
          }
        }
        case "BF16" -> {
          for (int i = 0; i < n; i++) {
            out[i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
          }
        }
        case "F64" -> {
          for (int i = 0; i < n; i++) {
            out[i] = (float) b.getDouble();
          }
        }
        default ->
            throw new IOException(
                "tensor "
                    + name
                    + " in "
                    + file
                    + " has dtype "
                    + e.dtype()
                    + "; expected F32, F16, BF16 or F64");
      }
      return out;
    }

    /** An integer tensor (I64, I32, I16, I8 or U8) as longs. */
    public long[] longs(String name) throws IOException {
      Entry e = entry(name);
      int n = Math.toIntExact(e.elements());
      ByteBuffer b = bytes(name, e);
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        out[i] =
            switch (e.dtype()) {
              case "I64" -> b.getLong();
              case "I32" -> b.getInt();
              case "I16" -> b.getShort();
              case "I8" -> b.get();
              case "U8" -> b.get() & 0xff;
              default ->
                  throw new IOException(
                      "tensor "
                          + name
                          + " in "
                          + file
                          + " has dtype "
                          + e.dtype()
                          + ", not integer");
            };
      }
      return out;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /**
   * Writes F32 tensors in the given order, with a {@code __metadata__} string map.
   *
   * @param file target file, replaced if present (written to a temporary file and moved)
   */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    write(file, tensors, metadata, "F32");
  }

  /**
   * Writes tensors stored as {@code dtype}: {@code F32}, {@code F16} or {@code BF16} (rounded to
   * nearest even).
   */
  public static void write(
      Path file, Map<String, Tensor> tensors, Map<String, String> metadata, String dtype)
      throws IOException {
    int bytesPer =
        switch (dtype) {
          case "F32" -> 4;
          case "F16", "BF16" -> 2;
          default -> throw new IllegalArgumentException("cannot write dtype " + dtype);
        };
    ObjectNode header = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", dtype);
      var shape = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      long size = (long) bytesPer * e.getValue().data().length;
      t.putArray("data_offsets").add(offset).add(offset + size);
      offset += size;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int pad = (8 - json.length % 8) % 8;
    byte[] headerBytes = new byte[json.length + pad];
    System.arraycopy(json, 0, headerBytes, 0, json.length);
    for (int i = json.length; i < headerBytes.length; i++) {
      headerBytes[i] = ' ';
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      len.putLong(headerBytes.length);
      out.write(len.array());
      out.write(headerBytes);
      for (Tensor t : tensors.values()) {
        float[] d = t.data();
        ByteBuffer chunk = ByteBuffer.allocate(4 * 65536).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < d.length; i += 65536) {
          chunk.clear();
          int m = Math.min(65536, d.length - i);
          if (bytesPer == 4) {
            chunk.asFloatBuffer().put(d, i, m);
          } else {
            for (int j = 0; j < m; j++) {
              chunk.putShort(
                  dtype.equals("F16") ? floatToHalf(d[i + j]) : floatToBfloat16(d[i + j]));
            }
          }
          out.write(chunk.array(), 0, bytesPer * m);
        }
      }
    }
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
