package io.openmede.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.registry.RestSchemaRegistryClient;
import io.openmede.schemas.serde.AvroDeserializer;
import io.openmede.schemas.serde.AvroSerde;
import io.openmede.schemas.serde.AvroSerializer;
import io.openmede.schemas.serde.WireFormat;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Records written with an evolved VocabularyEntry (an added optional field) are read by the
 * generated class, and the reverse, through the serdes and the embedded registry.
 */
@ExtendWith(SharedPlatform.class)
class SchemaEvolutionIT {
  /** VocabularyEntry with an added optional field {@code scope}, as a next release might add. */
  static final Schema EVOLVED = evolved();

  static RestSchemaRegistryClient registry;

  @BeforeAll
  static void start(EmbeddedPlatform platform) {
    registry = RestSchemaRegistryClient.builder(platform.registryUrl()).build();
  }

  private static Schema evolved() {
    String current = VocabularyEntry.getClassSchema().toString();
    String added =
        ",{\"name\":\"scope\",\"type\":[\"null\",\"string\"],\"default\":null,"
            + "\"doc\":\"Stream scope; null means every stream.\"}]}";
    return new Schema.Parser().parse(current.substring(0, current.length() - 2) + added);
  }

  private static VocabularyEntry entry() {
    return VocabularyEntry.newBuilder()
        .setLabel("juggling")
        .setPrompts(List.of("a video of {}."))
        .setEnabled(false)
        .setUpdatedAt(Instant.ofEpochMilli(1_700_000_123_456L))
        .build();
  }

  @Test
  void newWriterWithAddedOptionalField_readByOldReader() {
    String topic = "evolution-new-writer";
    AvroSerde<VocabularyEntry> old = AvroSerde.of(VocabularyEntry.class, registry);
    old.serializer().serialize(topic, entry()); // version 1: the generated schema
    GenericRecord record = new GenericData.Record(EVOLVED);
    record.put("label", "juggling");
    record.put("prompts", List.of("a video of {}."));
    record.put("enabled", false);
    record.put("updatedAt", 1_700_000_123_456L);
    record.put("scope", "cam-7");
    byte[] bytes = AvroSerializer.generic(EVOLVED, registry).serialize(topic, record);
    int evolvedId = WireFormat.schemaId(bytes);
    assertThat(registry.getById(evolvedId)).isEqualTo(EVOLVED);
    assertThat(evolvedId)
        .isNotEqualTo(registry.lookUp(topic + "-value", VocabularyEntry.getClassSchema()).get());

    VocabularyEntry read = old.deserializer().deserialize(topic, bytes);
    assertThat(read).isEqualTo(entry());
  }

  @Test
  void oldWriter_readByNewReaderWithDefault() {
    String topic = "evolution-old-writer";
    byte[] bytes =
        AvroSerde.of(VocabularyEntry.class, registry).serializer().serialize(topic, entry());
    GenericRecord read =
        AvroDeserializer.generic(EVOLVED, registry, false).deserialize(topic, bytes);
    assertThat(read.getSchema()).isEqualTo(EVOLVED);
    assertThat(read.get("label").toString()).isEqualTo("juggling");
    assertThat(read.get("enabled")).isEqualTo(false);
    assertThat(read.get("scope")).isNull(); // the default
    // and the registry accepts the evolved schema as a next version of the subject
    assertThat(registry.isCompatible(topic + "-value", EVOLVED)).isTrue();
  }
}
