package io.openmede.schemas.serde;

import java.nio.ByteBuffer;

/**
 * The Confluent wire format: magic byte {@code 0}, the schema id as a 4-byte big-endian int, then
 * the Avro binary encoding of the record.
 */
public final class WireFormat {
  /** The first byte of every record. */
  public static final byte MAGIC_BYTE = 0;

  /** Bytes before the Avro body: the magic byte and the schema id. */
  public static final int HEADER_LENGTH = 5;

  private WireFormat() {}

  /** Writes the header for {@code schemaId} into the first five bytes of {@code target}. */
  static void writeHeader(byte[] target, int schemaId) {
    ByteBuffer.wrap(target, 0, HEADER_LENGTH).put(MAGIC_BYTE).putInt(schemaId);
  }

  /**
   * The schema id in the header of {@code bytes}.
   *
   * @throws IllegalArgumentException when {@code bytes} is shorter than the header or does not
   *     start with the magic byte
   */
  public static int schemaId(byte[] bytes) {
    if (bytes == null || bytes.length < HEADER_LENGTH || bytes[0] != MAGIC_BYTE) {
      throw new IllegalArgumentException("not in the Confluent wire format");
    }
    return ByteBuffer.wrap(bytes, 1, 4).getInt();
  }
}
