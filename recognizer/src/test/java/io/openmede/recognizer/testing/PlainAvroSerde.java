package io.openmede.recognizer.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Plain Avro binary (no registry, no wire-format header) for topology tests without a broker: the
 * topology only needs some serde per topic. Null bytes read as null (tombstones).
 */
public final class PlainAvroSerde<T extends SpecificRecord> implements Serde<T> {

  private final Class<T> type;

  public PlainAvroSerde(Class<T> type) {
    this.type = type;
  }

  @Override
  public Serializer<T> serializer() {
    SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(type);
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
      try {
        writer.write(value, enc);
        enc.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    SpecificDatumReader<T> reader = new SpecificDatumReader<>(type);
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        BinaryDecoder dec = DecoderFactory.get().binaryDecoder(bytes, null);
        T value = reader.read(null, dec);
        if (!dec.isEnd()) {
          throw new SerializationException("trailing bytes after a " + type.getSimpleName());
        }
        return value;
      } catch (IOException | RuntimeException e) {
        throw new SerializationException(
            "cannot read a " + type.getSimpleName() + " from " + bytes.length + " bytes", e);
      }
    };
  }
}
