package io.openmede.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.registry.SchemaRegistryClient;
import io.openmede.schemas.registry.SchemaRegistryException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The serde's wire format and its refusal of bad bytes, against a fake in-memory registry (the real
 * REST client is tested against the embedded registry in the embedded module).
 */
class AvroSerdeWithFakeRegistryTest {
  private static final String TOPIC = "openmede.vocabulary";

  /** A fake registry: ids from 7 up, one per distinct schema text. */
  static class FakeRegistry implements SchemaRegistryClient {
    final Map<Integer, Schema> byId = new HashMap<>();
    final Map<String, Integer> bySubjectSchema = new HashMap<>();
    final List<String> calls = new java.util.ArrayList<>();
    int nextId = 7;

    @Override
    public int register(String subject, Schema schema) {
      calls.add("register " + subject);
      return bySubjectSchema.computeIfAbsent(
          subject + "|" + schema,
          k -> {
            byId.put(nextId, schema);
            return nextId++;
          });
    }

    @Override
    public Schema getById(int id) {
      calls.add("get " + id);
      Schema s = byId.get(id);
      if (s == null) {
        throw SchemaRegistryException.refused(
            "fetching schema id " + id, 404, SchemaRegistryException.SCHEMA_NOT_FOUND, "not found");
      }
      return s;
    }

    @Override
    public Optional<Integer> lookUp(String subject, Schema schema) {
      calls.add("lookUp " + subject);
      return Optional.ofNullable(bySubjectSchema.get(subject + "|" + schema));
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
      return true;
    }
  }

  private final FakeRegistry registry = new FakeRegistry();
  private final AvroSerde<VocabularyEntry> serde = AvroSerde.of(VocabularyEntry.class, registry);

  private static VocabularyEntry entry() {
    return VocabularyEntry.newBuilder()
        .setLabel("waving")
        .setPrompts(List.of("a video of a person {}."))
        .setEnabled(true)
        .setUpdatedAt(Instant.ofEpochMilli(1_700_000_000_123L))
        .build();
  }

  private byte[] goodBytes() {
    return serde.serializer().serialize(TOPIC, entry());
  }

  @Test
  void serialize_writesMagicByteAndBigEndianSchemaIdThenAvroBody() {
    registry.nextId = 0x01020304;
    byte[] bytes = goodBytes();
    assertThat(Arrays.copyOf(bytes, 5)).containsExactly(0, 1, 2, 3, 4);
    assertThat(WireFormat.schemaId(bytes)).isEqualTo(0x01020304);
    assertThat(registry.calls).containsExactly("register openmede.vocabulary-value");
    assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(entry());
  }

  @Test
  void serialize_asKey_registersUnderKeySubject() {
    serde.configure(Map.of(), true);
    serde.serializer().serialize("t", entry());
    assertThat(registry.calls).containsExactly("register t-key");
  }

  @Test
  void serialize_autoRegisterOff_looksUpAndRefusesUnregisteredSchema() {
    serde.configure(Map.of(AvroSerializer.AUTO_REGISTER_CONFIG, "false"), false);
    assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, entry()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("not registered under subject \"openmede.vocabulary-value\"");
    registry.register(TOPIC + "-value", VocabularyEntry.getClassSchema());
    assertThat(WireFormat.schemaId(serde.serializer().serialize(TOPIC, entry()))).isEqualTo(7);
  }

  @Test
  void serialize_cachesSchemaIdPerTopic() {
    goodBytes();
    goodBytes();
    assertThat(registry.calls).containsExactly("register openmede.vocabulary-value");
  }

  @Test
  void serializeNull_isNullTombstone() {
    assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
  }

  private BadRecordException bad(AvroSerde<VocabularyEntry> s, byte[] bytes) {
    Throwable t =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> s.deserializer().deserialize(TOPIC, bytes));
    assertThat(t).isInstanceOf(BadRecordException.class);
    BadRecordException e = (BadRecordException) t;
    assertThat(e.topic()).isEqualTo(TOPIC);
    assertThat(e).isInstanceOf(SerializationException.class);
    assertThat(e.getMessage()).startsWith("bad record on topic " + TOPIC + ": ");
    return e;
  }

  @Test
  void deserialize_wrongMagicByte_badRecordNamingExpectedMagic() {
    byte[] bytes = goodBytes();
    bytes[0] = 0x7b;
    assertThat(bad(serde, bytes).reason()).startsWith("magic byte 0x7b, expected 0x00");
  }

  @Test
  void deserialize_plainJson_badRecord() {
    assertThat(
            bad(serde, "{\"label\":\"x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .reason())
        .contains("magic byte 0x7b");
  }

  @Test
  void deserialize_unknownSchemaId_badRecordNamingId() {
    byte[] bytes = goodBytes();
    ByteBuffer.wrap(bytes).putInt(1, 4242);
    assertThat(bad(serde, bytes).reason()).startsWith("unknown schema id 4242");
  }

  @Test
  void deserialize_truncatedHeader_badRecord() {
    assertThat(bad(serde, new byte[] {0, 0, 0}).reason())
        .isEqualTo(
            "3 bytes, expected at least 5 (magic byte and 4-byte schema id) before the Avro"
                + " body");
  }

  @Test
  void deserialize_truncatedBody_badRecord() {
    byte[] bytes = goodBytes();
    byte[] cut = Arrays.copyOf(bytes, bytes.length - 4);
    assertThat(bad(serde, cut).reason())
        .startsWith("truncated or corrupt Avro body")
        .contains("expected a complete io.openmede.schemas.avro.VocabularyEntry");
  }

  @Test
  void deserialize_headerOnly_badRecord() {
    byte[] bytes = Arrays.copyOf(goodBytes(), 5);
    assertThat(bad(serde, bytes).reason()).startsWith("truncated or corrupt Avro body of 0 bytes");
  }

  @Test
  void deserialize_trailingBytes_badRecord() {
    byte[] bytes = goodBytes();
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
    assertThat(bad(serde, longer).reason()).startsWith("trailing bytes after a complete");
  }

  @Test
  void deserialize_emptyBytes_badRecord() {
    assertThat(bad(serde, new byte[0]).reason()).startsWith("empty bytes, expected a");
  }

  @Test
  void deserialize_nullWhereRecordRequired_badRecord() {
    assertThat(bad(serde, null).reason()).startsWith("null bytes, expected a");
  }

  @Test
  void deserialize_nullOnTopicWithTombstones_isNull() {
    AvroSerde<VocabularyEntry> compacted =
        AvroSerde.withTombstones(VocabularyEntry.class, registry);
    assertThat(compacted.deserializer().deserialize(TOPIC, null)).isNull();
    assertThat(bad(compacted, new byte[0]).reason()).startsWith("empty bytes");
  }

  @Test
  void deserialize_writerSchemaOfAnotherRecord_badRecordNamingIncompatibility() {
    Schema other =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Other\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");
    int id = registry.register("other-value", other);
    byte[] bytes = new byte[] {0, 0, 0, 0, (byte) id, 2};
    assertThat(bad(serde, bytes).reason())
        .startsWith("writer schema id " + id + " (Other) cannot be read as")
        .contains("NAME_MISMATCH");
  }

  @Test
  void deserialize_registryUnreachable_badRecordSayingSo() {
    SchemaRegistryClient down =
        new FakeRegistry() {
          @Override
          public Schema getById(int id) {
            throw SchemaRegistryException.unreachable(
                "http://127.0.0.1:1", new java.net.ConnectException("Connection refused"));
          }
        };
    AvroSerde<VocabularyEntry> s = AvroSerde.of(VocabularyEntry.class, down);
    assertThat(bad(s, goodBytes()).reason())
        .startsWith(
            "cannot fetch writer schema id 7: registry unreachable at URL: http://127.0.0.1:1")
        .contains("check schema.registry.url");
  }

  @Test
  void withPosition_addsPartitionAndOffsetToMessage() {
    BadRecordException e = bad(serde, new byte[0]).withPosition(3, 42L);
    assertThat(e.partition()).hasValue(3);
    assertThat(e.offset()).hasValue(42L);
    assertThat(e.getMessage())
        .startsWith("bad record on topic " + TOPIC + " partition 3 offset 42: empty bytes");
    assertThat(BadRecordException.findIn(new RuntimeException("wrapped", e))).containsSame(e);
  }
}
