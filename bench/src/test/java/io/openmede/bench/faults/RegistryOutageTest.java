package io.openmede.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.avro.DeadLetter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryOutageTest {

  @Test
  void newlyDeadLettered_aRepeatedRefusalOfARecordRefusedBeforeIsNotNew() {
    List<DeadLetter> before = List.of(dead("openmede.checkpoints", 0, 5L), dead("frames", 1, 9L));
    List<DeadLetter> after =
        List.of(
            dead("openmede.checkpoints", 0, 5L), // read again by a restarted recognizer
            dead("openmede.checkpoints", 0, 6L), // a record not refused before
            dead("frames", 2, 9L), // the same offset of another partition
            dead("frames", 1, null)); // no place: counts
    assertThat(RegistryOutage.newlyDeadLettered(before, after))
        .extracting(d -> d.getSourceTopic() + "-" + d.getPartition() + "@" + d.getOffset())
        .containsExactly("openmede.checkpoints-0@6", "frames-2@9", "frames-1@null");
  }

  private static DeadLetter dead(String topic, int partition, Long offset) {
    return DeadLetter.newBuilder()
        .setSourceTopic(topic)
        .setPartition(partition)
        .setOffset(offset)
        .setError("refused")
        .setErrorClass("x")
        .setService("test")
        .setFailedAt(Instant.EPOCH)
        .build();
  }
}
