package io.openmede.platform.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServiceRunTest {

  @Test
  void aServiceThatFinishesByItself_endsTheRunWithStatus0_withoutClosingIt() throws Exception {
    Health health = new Health("trainer");
    CompletableFuture<Void> finished = new CompletableFuture<>();
    AtomicInteger closes = new AtomicInteger();
    new Thread(() -> finished.complete(null)).start();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        ServiceRun.serve(
            "trainer", health, finished, closes::incrementAndGet, new PrintStream(err, true));
    assertThat(status).isZero();
    assertThat(closes).hasValue(0); // the caller closes it
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void aDeadComponent_endsTheRunWithStatus1_andSaysWhy() throws Exception {
    Health health = new Health("events");
    new Thread(() -> health.fail("streams", "Kafka Streams is in ERROR")).start();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        ServiceRun.serve(
            "events", health, new CompletableFuture<>(), () -> {}, new PrintStream(err, true));
    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("events: stopped because its core died (streams: Kafka Streams is in ERROR)");
  }
}
