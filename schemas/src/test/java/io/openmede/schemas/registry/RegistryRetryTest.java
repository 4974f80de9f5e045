package io.openmede.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

class RegistryRetryTest {

  /** A deserializer that fails {@code failures} times with {@code failure}, then decodes. */
  private static Deserializer<String> failing(
      int failures, RuntimeException failure, AtomicInteger calls) {
    return (topic, data) -> {
      if (calls.incrementAndGet() <= failures) {
        throw failure;
      }
      return new String(data, java.nio.charset.StandardCharsets.UTF_8);
    };
  }

  private static RuntimeException registryAway() {
    return new SerializationException(
        "schema 7",
        SchemaRegistryException.unreachable("http://127.0.0.1:1", new ConnectException("refused")));
  }

  @Test
  void aRegistryThatComesBack_givesTheRecord() {
    AtomicInteger calls = new AtomicInteger();
    String v = RegistryRetry.deserialize(failing(1, registryAway(), calls), "t", "ok".getBytes());
    assertThat(v).isEqualTo("ok");
    assertThat(calls).hasValue(2);
  }

  @Test
  void aBadRecord_isThrownAtOnce() {
    AtomicInteger calls = new AtomicInteger();
    RuntimeException bad = new SerializationException("magic byte 0x09");
    assertThatThrownBy(() -> RegistryRetry.deserialize(failing(9, bad, calls), "t", new byte[] {9}))
        .isSameAs(bad);
    assertThat(calls).hasValue(1);
  }

  @Test
  void interrupted_whileThePauseRuns_throwsTheRegistrysFailure() {
    AtomicInteger calls = new AtomicInteger();
    RuntimeException away = registryAway();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(
              () -> RegistryRetry.deserialize(failing(9, away, calls), "t", new byte[] {0}))
          .isSameAs(away);
      assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(calls).hasValue(1);
  }
}
