package io.openmede.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class SizeLimitedSerializersTest {

  final SizeLimitedSerializers<String, String> bounded =
      SizeLimitedSerializers.of("t", 1024, new StringSerializer(), new StringSerializer());
  final Serializer<String> keys = bounded.keys();
  final Serializer<String> values = bounded.values();

  @Test
  void aRecordWithinTheLimit_isSerializedUnchanged() {
    assertThat(keys.serialize("t", "k")).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
    assertThat(values.serialize("t", "v".repeat(511))).hasSize(511);
  }

  @Test
  void keyAndValueTogetherOverTheLimit_areRefusedWithBothSizesAndTheLimit() {
    keys.serialize("t", "k".repeat(300));
    assertThatThrownBy(() -> values.serialize("t", "v".repeat(300)))
        .isInstanceOf(RecordTooLargeForTopicException.class)
        .hasMessageContaining("a record of 600 bytes (key 300, value 300)")
        .hasMessageContaining("larger than topic t takes (512 bytes");
  }

  @Test
  void theKeysSizeCountsOnlyForTheNextValue() {
    keys.serialize("t", "k".repeat(300));
    values.serialize("t", "v");
    assertThat(values.serialize("t", "v".repeat(500))).hasSize(500);
  }

  @Test
  void aKeyAloneOverTheLimit_isRefused() {
    assertThatThrownBy(() -> keys.serialize("t", "k".repeat(600)))
        .isInstanceOf(RecordTooLargeForTopicException.class);
    assertThat(values.serialize("t", "v".repeat(500))).hasSize(500);
  }

  @Test
  void headersCountWithTheKey() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("h", new byte[400]);
    keys.serialize("t", headers, "k");
    assertThatThrownBy(() -> values.serialize("t", headers, "v".repeat(200)))
        .isInstanceOf(RecordTooLargeForTopicException.class);
  }
}
