package io.openmede.schemas.serde;

import io.openmede.schemas.registry.CompatibilityLevel;
import io.openmede.schemas.registry.SchemaRegistryClient;
import io.openmede.schemas.registry.SchemaRegistryException;
import io.openmede.schemas.registry.SubjectCompatibility;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records in the Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro
 * binary body) with the writer schema registered under {@code <topic>-value} or {@code <topic>-key}
 * (topic-name strategy).
 *
 * <p>By default the schema is registered on first use ({@value #AUTO_REGISTER_CONFIG} {@code
 * true}); with {@code false} it is only looked up, and a schema missing from the subject fails the
 * write. A null record is written as null (a tombstone). Failures throw Kafka's {@link
 * SerializationException} saying what to fix. Thread-safe.
 */
public final class AvroSerializer<T> implements Serializer<T> {

  /** Config key: register the writer schema when it is not yet in the subject (true/false). */
  public static final String AUTO_REGISTER_CONFIG = "auto.register.schemas";

  /**
   * Config key: the compatibility level ({@link CompatibilityLevel}) the subjects this serializer
   * registers must be at; checked once per subject after its first registration. Absent: not
   * checked.
   */
  public static final String COMPATIBILITY_LEVEL_CONFIG = "compatibility.level";

  /**
   * Config key: raise a subject found at a weaker level (true, the default) or only report it
   * (false).
   */
  public static final String COMPATIBILITY_RAISE_CONFIG = "compatibility.raise";

  private static final Logger LOG = LoggerFactory.getLogger(AvroSerializer.class);

  private final Schema schema;
  private final DatumWriter<T> writer;
  private final SchemaRegistryClient registry;
  private final Map<String, Integer> idsByTopic = new ConcurrentHashMap<>();
  private volatile boolean isKey;
  private volatile boolean autoRegister = true;
  private volatile CompatibilityLevel compatibility;
  private volatile boolean raiseCompatibility = true;

  private AvroSerializer(Schema schema, DatumWriter<T> writer, SchemaRegistryClient registry) {
    this.schema = schema;
    this.writer = writer;
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** A serializer of a generated Avro class, writing with the class's schema. */
  public static <T extends SpecificRecord> AvroSerializer<T> forClass(
      Class<T> type, SchemaRegistryClient registry) {
    SpecificData model = new SpecificData(type.getClassLoader());
    Schema schema = model.getSchema(type);
    return new AvroSerializer<>(schema, new SpecificDatumWriter<>(schema, model), registry);
  }

  /** A serializer of generic records of {@code schema}. */
  public static AvroSerializer<GenericRecord> generic(
      Schema schema, SchemaRegistryClient registry) {
    return new AvroSerializer<>(
        schema, new GenericDatumWriter<>(schema, GenericData.get()), registry);
  }

  /** The writer schema. */
  public Schema schema() {
    return schema;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
    Object auto = configs.get(AUTO_REGISTER_CONFIG);
    if (auto != null) {
      String text = auto.toString().trim();
      if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
        throw new IllegalArgumentException(
            AUTO_REGISTER_CONFIG + " must be true or false, got \"" + text + "\"");
      }
      this.autoRegister = Boolean.parseBoolean(text);
    }
    Object level = configs.get(COMPATIBILITY_LEVEL_CONFIG);
    if (level != null) {
      this.compatibility =
          CompatibilityLevel.parse(level.toString())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          COMPATIBILITY_LEVEL_CONFIG
                              + " must be one of "
                              + java.util.Arrays.toString(CompatibilityLevel.values())
                              + ", got \""
                              + level
                              + "\""));
    }
    Object raise = configs.get(COMPATIBILITY_RAISE_CONFIG);
    if (raise != null) {
      this.raiseCompatibility = Boolean.parseBoolean(raise.toString().trim());
    }
  }

  /** Marks this serializer as writing keys ({@code <topic>-key}) without other configuration. */
  AvroSerializer<T> asKey(boolean isKey) {
    this.isKey = isKey;
    return this;
  }

  AvroSerializer<T> autoRegister(boolean autoRegister) {
    this.autoRegister = autoRegister;
    return this;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    int id = schemaIdFor(topic);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    byte[] header = new byte[WireFormat.HEADER_LENGTH];
    WireFormat.writeHeader(header, id);
    out.writeBytes(header);
    try {
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      writer.write(data, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot write a " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(),
          e);
    }
    return out.toByteArray();
  }

  private int schemaIdFor(String topic) {
    Integer cached = idsByTopic.get(topic);
    if (cached != null) {
      return cached;
    }
    String subject = SchemaRegistryClient.subjectFor(topic, isKey);
    int id;
    try {
      if (autoRegister) {
        id = registry.register(subject, schema);
        checkCompatibility(subject);
      } else {
        Optional<Integer> found = registry.lookUp(subject, schema);
        if (found.isEmpty()) {
          throw new SerializationException(
              "schema "
                  + schema.getFullName()
                  + " is not registered under subject \""
                  + subject
                  + "\" and "
                  + AUTO_REGISTER_CONFIG
                  + " is false — register it first or set "
                  + AUTO_REGISTER_CONFIG
                  + "=true");
        }
        id = found.get();
      }
    } catch (SchemaRegistryException e) {
      throw new SerializationException("cannot write to topic " + topic + ": " + e.getMessage(), e);
    }
    idsByTopic.put(topic, id);
    return id;
  }

  /**
   * The subject's level against the configured one, once per subject: a registry that refuses the
   * check or the change is reported, never a reason to refuse the write.
   */
  private void checkCompatibility(String subject) {
    CompatibilityLevel wanted = compatibility;
    if (wanted == null) {
      return;
    }
    try {
      SubjectCompatibility.enforce(registry, subject, wanted, raiseCompatibility);
    } catch (SchemaRegistryException | UnsupportedOperationException e) {
      LOG.warn(
          "cannot check the compatibility level of schema subject {} (wanted {}): {}",
          subject,
          wanted,
          e.getMessage());
    }
  }
}
