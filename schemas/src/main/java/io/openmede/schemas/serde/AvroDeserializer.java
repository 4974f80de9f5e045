package io.openmede.schemas.serde;

import io.openmede.schemas.registry.SchemaRegistryClient;
import io.openmede.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records in the Confluent wire format: fetches the writer schema by the id in the header
 * (cached) and resolves it against this deserializer's reader schema, so records written with an
 * older or a newer compatible schema read as the reader's type.
 *
 * <p>Every kind of bad bytes throws {@link BadRecordException} naming the topic and what was
 * expected: null or empty bytes (unless tombstones are allowed, when null reads as null), fewer
 * than five bytes, a wrong magic byte, an unknown schema id, a registry that cannot be reached, a
 * writer schema the reader cannot resolve, a truncated or corrupt body, trailing bytes.
 * Thread-safe.
 */
public final class AvroDeserializer<T> implements Deserializer<T> {

  private final Schema readerSchema;
  private final GenericData model;
  private final SchemaRegistryClient registry;
  private final boolean tombstonesAllowed;
  private final Map<Integer, DatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();

  private AvroDeserializer(
      Schema readerSchema,
      GenericData model,
      SchemaRegistryClient registry,
      boolean tombstonesAllowed) {
    this.readerSchema = readerSchema;
    this.model = model;
    this.registry = Objects.requireNonNull(registry, "registry");
    this.tombstonesAllowed = tombstonesAllowed;
  }

  /**
   * A deserializer into a generated Avro class.
   *
   * @param tombstonesAllowed true to read null bytes as a null record (compacted topics), false to
   *     refuse them with {@link BadRecordException}
   */
  public static <T extends SpecificRecord> AvroDeserializer<T> forClass(
      Class<T> type, SchemaRegistryClient registry, boolean tombstonesAllowed) {
    TrustedPackages.trust(type);
    SpecificData model = new SpecificData(type.getClassLoader());
    return new AvroDeserializer<>(model.getSchema(type), model, registry, tombstonesAllowed);
  }

  /** A deserializer into generic records of the reader schema {@code readerSchema}. */
  public static AvroDeserializer<GenericRecord> generic(
      Schema readerSchema, SchemaRegistryClient registry, boolean tombstonesAllowed) {
    return new AvroDeserializer<>(readerSchema, GenericData.get(), registry, tombstonesAllowed);
  }

  /** The reader schema. */
  public Schema readerSchema() {
    return readerSchema;
  }

  /** Whether null bytes read as a null record. */
  public boolean tombstonesAllowed() {
    return tombstonesAllowed;
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      if (tombstonesAllowed) {
        return null;
      }
      throw new BadRecordException(
          topic,
          "null bytes, expected a "
              + readerSchema.getFullName()
              + " in the Confluent wire format (this topic has no tombstones)",
          null);
    }
    if (data.length == 0) {
      throw new BadRecordException(
          topic,
          "empty bytes, expected a " + readerSchema.getFullName() + " in the Confluent wire format",
          null);
    }
    if (data[0] != WireFormat.MAGIC_BYTE) {
      throw new BadRecordException(
          topic,
          String.format(
              "magic byte 0x%02x, expected 0x00 (Confluent wire format: magic byte 0, 4-byte"
                  + " schema id, Avro binary) — was this written by an Avro serializer with a"
                  + " schema registry?",
              data[0] & 0xff),
          null);
    }
    if (data.length < WireFormat.HEADER_LENGTH) {
      throw new BadRecordException(
          topic,
          data.length
              + " bytes, expected at least "
              + WireFormat.HEADER_LENGTH
              + " (magic byte and 4-byte schema id) before the Avro body",
          null);
    }
    int id = ByteBuffer.wrap(data, 1, 4).getInt();
    DatumReader<T> reader = readerFor(topic, id);
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                data, WireFormat.HEADER_LENGTH, data.length - WireFormat.HEADER_LENGTH, null);
    T record;
    try {
      record = reader.read(null, decoder);
    } catch (SecurityException e) {
      throw e; // a configuration error (untrusted class), not bad bytes: fail loudly
    } catch (IOException | RuntimeException e) {
      throw new BadRecordException(
          topic,
          "truncated or corrupt Avro body of "
              + (data.length - WireFormat.HEADER_LENGTH)
              + " bytes for schema id "
              + id
              + ", expected a complete "
              + readerSchema.getFullName()
              + " ("
              + e
              + ")",
          e);
    }
    try {
      if (!decoder.isEnd()) {
        throw new BadRecordException(
            topic,
            "trailing bytes after a complete "
                + readerSchema.getFullName()
                + " of schema id "
                + id
                + ", expected the record to end the value",
            null);
      }
    } catch (IOException e) {
      throw new BadRecordException(topic, "unreadable Avro body: " + e, e);
    }
    return record;
  }

  private DatumReader<T> readerFor(String topic, int id) {
    DatumReader<T> cached = readersByWriterId.get(id);
    if (cached != null) {
      return cached;
    }
    Schema writer;
    try {
      writer = registry.getById(id);
    } catch (SchemaRegistryException e) {
      if (e.isNotFound()) {
        throw new BadRecordException(
            topic,
            "unknown schema id "
                + id
                + ": the schema registry has no such schema, expected an id it gave out ("
                + e.getMessage()
                + ")",
            e);
      }
      throw new BadRecordException(
          topic, "cannot fetch writer schema id " + id + ": " + e.getMessage(), e);
    }
    SchemaCompatibility.SchemaPairCompatibility compatibility =
        SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
    if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      String why =
          compatibility.getResult().getIncompatibilities().stream()
              .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
              .collect(Collectors.joining("; "));
      throw new BadRecordException(
          topic,
          "writer schema id "
              + id
              + " ("
              + writer.getFullName()
              + ") cannot be read as "
              + readerSchema.getFullName()
              + ": "
              + why,
          null);
    }
    DatumReader<T> reader = newReader(writer);
    DatumReader<T> previous = readersByWriterId.putIfAbsent(id, reader);
    return previous == null ? reader : previous;
  }

  @SuppressWarnings("unchecked")
  private DatumReader<T> newReader(Schema writer) {
    if (model instanceof SpecificData specific) {
      return new SpecificDatumReader<>(writer, readerSchema, specific);
    }
    return (DatumReader<T>) new GenericDatumReader<GenericRecord>(writer, readerSchema, model);
  }
}
