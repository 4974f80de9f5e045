package io.openmede.recognizer.swap;

import io.openmede.platform.health.Health;
import io.openmede.platform.service.ConsumerThread;
import io.openmede.recognizer.threads.ThreadPriorities;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.topic.RefusedRecords;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the checkpoints topic on its own thread and installs the newest announcement of one model
 * name. Reads every partition from the beginning without a consumer group (the topic is compacted:
 * its latest record per model is the current checkpoint); of the trainer's announcements in one
 * poll only the last per model is installed, while every operator decision (keyed {@code
 * NAME#operator}) is handed to the installer in order, which applies each once. A refused version
 * is not tried again (the last {@value #REMEMBERED_REFUSALS} refusals are remembered).
 *
 * <p>Other programs write the topic too: the consumer reads bytes and each record is decoded here,
 * so a record that is not an announcement is refused (reported to {@code badRecord}, logged,
 * dead-lettered) and the follower reads on; so is an announcement the installer refuses. An error
 * of the consumer itself (the broker away, say) is logged and retried after a pause; the thread
 * ends only when {@link #close()} is called.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} to stop (joins the thread).
 */
public final class CheckpointFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointFollower.class);

  /** How many refused versions are remembered (a hostile writer cannot fill the heap). */
  static final int REMEMBERED_REFUSALS = 1024;

  private static final Duration RETRY_PAUSE = Duration.ofSeconds(2);

  private final Deserializer<CheckpointAnnouncement> values;
  private final String topic;
  private final String modelName;
  private final CheckpointInstaller<?> installer;
  private final Consumer<String> badRecord;
  private final RefusedRecords letters;
  private final Set<String> refused =
      Collections.newSetFromMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > REMEMBERED_REFUSALS;
            }
          });
  private final ConsumerThread<byte[], byte[]> thread;
  private boolean assigned;

  /**
   * @param consumer a byte consumer this follower owns (closed by {@link #close()}), configured
   *     with {@code isolation.level=read_committed} and no auto-commit
   * @param values decodes an announcement (the registry-aware Avro deserializer)
   * @param badRecord told the reason of each record that is not a valid announcement
   * @param letters where each refused record is dead-lettered: one that is not an announcement, and
   *     an announcement the installer refuses
   */
  public CheckpointFollower(
      org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
      Deserializer<CheckpointAnnouncement> values,
      String topic,
      String modelName,
      CheckpointInstaller<?> installer,
      Consumer<String> badRecord,
      RefusedRecords letters) {
    this.letters = letters;
    this.values = values;
    this.topic = topic;
    this.modelName = modelName;
    this.installer = installer;
    this.badRecord = badRecord;
    this.thread =
        new ConsumerThread<>(
            "checkpoint-follower",
            consumer,
            RETRY_PAUSE,
            ", the current model keeps serving",
            CheckpointFollower::lowerPriority,
            this::follow);
  }

  /** Starts following. */
  public void start() {
    thread.start();
  }

  /** Whether the follower's thread has ended (false before {@link #start} and while it runs). */
  public boolean stopped() {
    return thread.stopped();
  }

  /** Ready while the thread runs (or after {@link #close()}), dead with {@code deadReason}. */
  public Health.Report report(String deadReason) {
    return thread.report(deadReason);
  }

  private static void lowerPriority() {
    // fetching, loading and warming a checkpoint is background work: at the nicest priority, the
    // stream threads (nice recognizer.threads.nice) that decode and window the frames on the same
    // cores keep their CPU while a swap is prepared, and a swap takes a little longer instead
    if (ThreadPriorities.lowerCurrentThread(ThreadPriorities.NICEST)) {
      LOG.info("checkpoint follower runs at nice {}", ThreadPriorities.NICEST);
    }
  }

  /** One poll: assigns every partition from the beginning first, then installs the newest. */
  private void follow(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer) {
    if (!assigned) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      assigned = true;
    }
    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
    Map<String, ConsumerRecord<byte[], byte[]>> latest = new LinkedHashMap<>();
    Map<String, CheckpointAnnouncement> decoded = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      CheckpointAnnouncement a = decode(r);
      if (a != null && modelName.equals(a.getModelName()) && a.getOperator() != null) {
        // an operator's decision: each is applied, in order (a rollback pins, an unpin installs
        // the newest trainer checkpoint); the installer ignores one it applied before
        consider(a, Optional.of(r));
      } else if (a != null && modelName.equals(a.getModelName()) && CheckpointPolicy.heldBack(a)) {
        // a candidate the trainer's gate held back: listed by operators, never installed
        LOG.info(
            "checkpoint {} was held back by the trainer's gate ({}); not installed",
            a.getVersion(),
            a.getGate() == null ? "no reason given" : a.getGate().getReason());
      } else if (a != null && modelName.equals(a.getModelName())) {
        latest.put(a.getModelName(), r);
        decoded.put(a.getModelName(), a);
      }
    }
    for (Map.Entry<String, ConsumerRecord<byte[], byte[]>> e : latest.entrySet()) {
      consider(decoded.get(e.getKey()), Optional.of(e.getValue()));
    }
  }

  private CheckpointAnnouncement decode(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return null; // a tombstone: nothing to install
    }
    String where = r.topic() + "-" + r.partition() + "@" + r.offset();
    CheckpointAnnouncement a;
    try {
      a = values.deserialize(r.topic(), r.value());
    } catch (RuntimeException | StackOverflowError e) {
      refuseRecord(r, where, "not a CheckpointAnnouncement: " + e.getMessage());
      return null;
    }
    if (a == null
        || a.getModelName() == null
        || a.getVersion() == null
        || a.getVersion().isBlank()
        || a.getUri() == null
        || a.getSha256() == null) {
      refuseRecord(r, where, "the announcement lacks its model name, version, uri or sha256");
      return null;
    }
    return a;
  }

  /** The longest version remembered as it is; a longer one is remembered by its SHA-256. */
  static final int MAX_REMEMBERED_VERSION_CHARS = 128;

  /**
   * What is remembered of a refused version: itself when short, else its SHA-256 digest, so that
   * the remembered refusals take at most {@value #REMEMBERED_REFUSALS} short strings however long
   * the versions a writer announces.
   */
  static String remembered(String version) {
    if (version.length() <= MAX_REMEMBERED_VERSION_CHARS) {
      return version;
    }
    try {
      return "sha256:"
          + java.util.HexFormat.of()
              .formatHex(
                  java.security.MessageDigest.getInstance("SHA-256")
                      .digest(version.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private void refuseRecord(ConsumerRecord<byte[], byte[]> r, String where, String why) {
    LOG.warn("refused the checkpoint record at {}: {}", where, why);
    letters.refuse(r.topic(), r.partition(), r.offset(), r.key(), r.value(), "record", why);
    try {
      badRecord.accept(why);
    } catch (RuntimeException e) {
      LOG.warn("counting a refused checkpoint record failed", e);
    }
  }

  /** Installs {@code a} unless it is served already or was refused before. */
  public void consider(CheckpointAnnouncement a) {
    consider(a, Optional.empty());
  }

  private void consider(CheckpointAnnouncement a, Optional<ConsumerRecord<byte[], byte[]>> from) {
    String version = a.getVersion();
    boolean operator = a.getOperator() != null;
    // an operator decision is remembered by its time as well: a refused one does not hide a later
    // decision on the same version
    String key =
        remembered(
            operator
                ? version
                    + "@"
                    + (a.getOperator().getDecidedAt() == null
                        ? "-"
                        : a.getOperator().getDecidedAt().toEpochMilli())
                : version);
    if ((!operator && version.equals(installer.servingVersion())) || refused.contains(key)) {
      return;
    }
    try {
      installer.install(a);
    } catch (CheckpointRefusedException e) {
      refused.add(key);
      from.ifPresent(
          r ->
              letters.refuse(
                  r.topic(),
                  r.partition(),
                  r.offset(),
                  r.key(),
                  r.value(),
                  e.reason(),
                  e.getMessage()));
    } catch (RuntimeException e) {
      LOG.warn("installing checkpoint {} failed; the current model keeps serving", version, e);
      refused.add(key);
      from.ifPresent(
          r ->
              letters.refuse(
                  r.topic(),
                  r.partition(),
                  r.offset(),
                  r.key(),
                  r.value(),
                  "unreadable",
                  e.toString()));
    }
  }

  /** Stops following: wakes the consumer, joins the thread, closes the consumer. */
  @Override
  public void close() {
    thread.close();
  }
}
