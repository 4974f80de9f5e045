package io.openmede.recognizer.swap;

import static io.openmede.recognizer.swap.CheckpointFetcherTest.announcement;
import static io.openmede.recognizer.swap.CheckpointFetcherTest.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.platform.signing.KeyFiles;
import io.openmede.recognizer.testing.PlainAvroSerde;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.checkpoint.OperatorDecisions;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The follower against Kafka's MockConsumer (a fake broker) and the fake model loader: a record
 * that is not an announcement and a failing poll do not stop it; the next good announcement is
 * installed.
 */
class CheckpointFollowerWithMockConsumerTest {

  static final String TOPIC = "openmede.checkpoints";

  @TempDir Path dir;

  @Test
  void badRecordFailingPollAndTamperedFile_areSurvivedAndDeadLettered_andTheNextGoodIsInstalled()
      throws Exception {
    CheckpointInstallerWithFakeLoaderTest fakes = new CheckpointInstallerWithFakeLoaderTest();
    fakes.dir = dir;
    List<ModelSlot<CheckpointInstallerWithFakeLoaderTest.FakeModel>> slots = fakes.slots();
    Path w = fakes.weights("tiny-b");
    PlainAvroSerde<CheckpointAnnouncement> serde =
        new PlainAvroSerde<>(CheckpointAnnouncement.class);
    byte[] good =
        serde
            .serializer()
            .serialize(
                TOPIC, announcement("v2", w.toString(), sha256("tiny-b".getBytes()), 6, "t"));

    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    TopicPartition tp = new TopicPartition(TOPIC, 0);
    consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
    consumer.updateBeginningOffsets(Map.of(tp, 0L));
    consumer.schedulePollTask(
        () ->
            consumer.addRecord(
                new ConsumerRecord<>(TOPIC, 0, 0, "openmede".getBytes(), new byte[] {7, 7, 7})));
    consumer.schedulePollTask(() -> consumer.setPollException(new KafkaException("broker away")));
    byte[] tampered =
        serde
            .serializer()
            .serialize(
                TOPIC, announcement("v-bad", w.toString(), sha256("tiny-c".getBytes()), 6, "t"));
    consumer.schedulePollTask(
        () ->
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 1, "openmede".getBytes(), tampered)));
    consumer.schedulePollTask(
        () -> consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 2, "openmede".getBytes(), good)));

    List<String> bad = new CopyOnWriteArrayList<>();
    List<String> letters = new CopyOnWriteArrayList<>();
    CheckpointFollower follower =
        new CheckpointFollower(
            consumer,
            serde.deserializer(),
            TOPIC,
            "openmede",
            fakes.installer(slots),
            bad::add,
            (topic, partition, offset, key, value, reason, why) ->
                letters.add(topic + "-" + partition + "@" + offset + " " + reason));
    try {
      follower.start();
      long end = System.nanoTime() + 20_000_000_000L;
      // the slots swap one after another: wait for the last
      while (!slots.stream().allMatch(s -> "v2".equals(s.version())) && System.nanoTime() < end) {
        Thread.sleep(50);
      }
      assertThat(slots).allSatisfy(s -> assertThat(s.version()).isEqualTo("v2"));
      assertThat(bad).hasSize(1);
      assertThat(bad.get(0)).contains("not a CheckpointAnnouncement");
      assertThat(letters).containsExactly(TOPIC + "-0@0 record", TOPIC + "-0@1 hash");
      assertThat(follower.stopped()).isFalse();
    } finally {
      follower.close();
    }
    assertThat(follower.stopped()).isTrue();
  }

  @Test
  void
      operatorDecisions_areAppliedInOrder_aForeignOneDeadLettered_andTrainerCheckpointsWaitWhilePinned()
          throws Exception {
    CheckpointInstallerWithFakeLoaderTest fakes = new CheckpointInstallerWithFakeLoaderTest();
    fakes.dir = dir;
    List<ModelSlot<CheckpointInstallerWithFakeLoaderTest.FakeModel>> slots = fakes.slots();
    KeyPair trainer = KeyFiles.generate();
    KeyPair operator = KeyFiles.generate();
    KeyPair stranger = KeyFiles.generate();
    CheckpointInstaller<CheckpointInstallerWithFakeLoaderTest.FakeModel> installer =
        fakes.installer(
            slots,
            new CheckpointPolicy(
                List.of(trainer.getPublic()), false, List.of(operator.getPublic())));
    CheckpointAnnouncement a = fakes.signedB("A", 2, 1_000, trainer);
    List<CheckpointAnnouncement> inOrder =
        List.of(
            a,
            fakes.signedB("B", 4, 2_000, trainer),
            CheckpointInstallerWithFakeLoaderTest.decision(
                a, OperatorDecisions.Action.ROLLBACK, 3_000, stranger),
            CheckpointInstallerWithFakeLoaderTest.decision(
                a, OperatorDecisions.Action.ROLLBACK, 3_500, operator),
            fakes.signedB("C", 6, 4_000, trainer));
    PlainAvroSerde<CheckpointAnnouncement> serde =
        new PlainAvroSerde<>(CheckpointAnnouncement.class);
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    TopicPartition tp = new TopicPartition(TOPIC, 0);
    consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
    consumer.updateBeginningOffsets(Map.of(tp, 0L));
    consumer.schedulePollTask(
        () -> {
          for (int i = 0; i < inOrder.size(); i++) {
            CheckpointAnnouncement r = inOrder.get(i);
            String key = r.getOperator() == null ? "openmede" : OperatorDecisions.key("openmede");
            consumer.addRecord(
                new ConsumerRecord<>(
                    TOPIC, 0, i, key.getBytes(), serde.serializer().serialize(TOPIC, r)));
          }
        });
    List<String> letters = new CopyOnWriteArrayList<>();
    CheckpointFollower follower =
        new CheckpointFollower(
            consumer,
            serde.deserializer(),
            TOPIC,
            "openmede",
            installer,
            why -> {},
            (topic, partition, offset, key, value, reason, why) ->
                letters.add(topic + "-" + partition + "@" + offset + " " + reason));
    try {
      follower.start();
      long end = System.nanoTime() + 20_000_000_000L;
      while (!fakes.events.contains("refused C pinned") && System.nanoTime() < end) {
        Thread.sleep(50);
      }
    } finally {
      follower.close();
    }
    assertThat(slots).allSatisfy(s -> assertThat(s.version()).isEqualTo("A"));
    assertThat(installer.pinned()).isTrue();
    assertThat(letters).containsExactly(TOPIC + "-0@2 operator-signature");
    // B was never installed: of the trainer's checkpoints in one poll only the last is considered
    assertThat(fakes.events)
        .containsExactly("refused A operator-signature", "installed A", "refused C pinned");
  }

  @Test
  void aLongRefusedVersion_isRememberedByItsDigest() {
    String huge = "v".repeat(1_000_000);
    String kept = CheckpointFollower.remembered(huge);
    assertThat(kept).startsWith("sha256:").hasSize("sha256:".length() + 64);
    assertThat(CheckpointFollower.remembered(huge)).isEqualTo(kept);
    assertThat(CheckpointFollower.remembered("v" + huge)).isNotEqualTo(kept);
    assertThat(CheckpointFollower.remembered("ckpt-2")).isEqualTo("ckpt-2");
  }
}
