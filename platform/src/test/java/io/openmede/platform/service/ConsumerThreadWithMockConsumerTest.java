package io.openmede.platform.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.platform.health.Health;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** {@link ConsumerThread} on Kafka's {@link MockConsumer} (no broker). */
class ConsumerThreadWithMockConsumerTest {

  private static MockConsumer<String, String> consumer(String topic) {
    MockConsumer<String, String> c = new MockConsumer<>("earliest");
    TopicPartition p = new TopicPartition(topic, 0);
    c.assign(List.of(p));
    c.updateBeginningOffsets(Map.of(p, 0L));
    return c;
  }

  @Test
  void pollsUntilClosed_thenClosesTheConsumer_andStaysReady() throws Exception {
    MockConsumer<String, String> c = consumer("t");
    List<String> seen = new CopyOnWriteArrayList<>();
    CountDownLatch two = new CountDownLatch(2);
    ConsumerThread<String, String> t =
        new ConsumerThread<>(
            "test-consumer",
            c,
            Duration.ofMillis(10),
            k -> {
              for (ConsumerRecord<String, String> r : k.poll(Duration.ofMillis(20))) {
                seen.add(r.value());
                two.countDown();
              }
            });
    t.start();
    c.schedulePollTask(() -> c.addRecord(new ConsumerRecord<>("t", 0, 0, "k", "a")));
    c.schedulePollTask(() -> c.addRecord(new ConsumerRecord<>("t", 0, 1, "k", "b")));
    assertThat(two.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(t.report("gone").state()).isEqualTo(Health.State.READY);
    t.close();
    assertThat(seen).containsExactly("a", "b");
    assertThat(c.closed()).isTrue();
    assertThat(t.stopped()).isTrue();
    assertThat(t.report("gone").state()).isEqualTo(Health.State.READY);
  }

  @Test
  void aFailedPoll_isTriedAgainAfterThePause() throws Exception {
    MockConsumer<String, String> c = consumer("t");
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch third = new CountDownLatch(3);
    ConsumerThread<String, String> t =
        new ConsumerThread<>(
            "test-consumer",
            c,
            Duration.ofMillis(10),
            k -> {
              third.countDown();
              if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("broker away");
              }
              k.poll(Duration.ofMillis(20));
            });
    t.start();
    assertThat(third.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(t.stopped()).isFalse();
    t.close();
  }

  @Test
  void aThreadThatEndsByItself_isReportedDead() throws Exception {
    MockConsumer<String, String> c = consumer("t");
    ConsumerThread<String, String> t =
        new ConsumerThread<>(
            "test-consumer",
            c,
            Duration.ofMillis(10),
            k -> {
              throw new InterruptedException("interrupted");
            });
    t.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!t.stopped() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    Health.Report r = t.report("the test consumer stopped");
    assertThat(r.state()).isEqualTo(Health.State.DEAD);
    assertThat(r.reason()).isEqualTo("the test consumer stopped");
    t.close();
  }
}
