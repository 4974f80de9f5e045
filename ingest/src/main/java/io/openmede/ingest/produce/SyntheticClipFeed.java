package io.openmede.ingest.produce;

import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.values.Identifiers;
import io.openmede.world.Clip;
import io.openmede.world.SyntheticWorld;
import io.openmede.world.TestSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labeled clips of the synthetic world into the labeled-clips topic: the training distribution
 * (base actions, in context) tagged {@code train}, and, every {@code evalEvery} clips, a held-out
 * clip of base or novel actions tagged {@code base} or {@code novel} for the trainer's evaluation,
 * or of an empty scene tagged {@code negative} for its open-set thresholds.
 *
 * <p>Runs on its own thread from {@link #start} until the count is reached or {@link #close()}.
 * Clip ids are {@code synthetic-<seed>-<n>}, so a feed with the same seed sends the same clips.
 */
public final class SyntheticClipFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SyntheticClipFeed.class);
  private static final int CHUNK = 64;

  /**
   * The held-out sets, a chunk each in turn: base and novel actions for the evaluation, and empty
   * scenes (split {@code negative}: nothing of the vocabulary happens) for the open-set thresholds.
   */
  private static final List<TestSet> HELD_OUT_SETS =
      List.of(TestSet.BASE_IN_CONTEXT, TestSet.NOVEL_IN_CONTEXT, TestSet.SCENE_ONLY);

  /**
   * @param clipsPerSecond pace; 0 or less sends as fast as Kafka takes them
   * @param total clips to send before stopping, or empty for an endless feed
   * @param evalEvery every how many clips a held-out clip is sent; 0 for none
   */
  public record Options(long seed, double clipsPerSecond, OptionalLong total, int evalEvery) {
    public Options {
      if (evalEvery < 0) {
        throw new IllegalArgumentException("evalEvery " + evalEvery + " must be >= 0");
      }
      if (total.isPresent() && total.getAsLong() < 0) {
        throw new IllegalArgumentException("total " + total.getAsLong() + " must be >= 0");
      }
    }
  }

  private final ClipProducer producer;
  private final Thread thread;
  private volatile boolean stopped;

  private SyntheticClipFeed(
      ClipProducer producer, SyntheticWorld world, Options options, IngestMetrics metrics) {
    this.producer = producer;
    this.thread = new Thread(() -> run(world, options, metrics), "ingest-synthetic-clips");
    this.thread.setDaemon(true);
  }

  /** Starts the feed. */
  public static SyntheticClipFeed start(
      Cluster cluster, SyntheticWorld world, Options options, IngestMetrics metrics) {
    Map<String, Object> config = cluster.producerConfig("openmede-ingest-synthetic-clips");
    config.putAll(cluster.clientConfig());
    KafkaProducer<String, LabeledClip> kafka =
        new KafkaProducer<>(
            config,
            new StringSerializer(),
            cluster.topics().labeledClips().valueSerde().serializer());
    SyntheticClipFeed feed =
        new SyntheticClipFeed(
            new ClipProducer(kafka, cluster.topics().labeledClips().name(), metrics),
            world,
            options,
            metrics);
    feed.thread.start();
    return feed;
  }

  private void run(SyntheticWorld world, Options o, IngestMetrics metrics) {
    long sent = 0;
    long chunk = 0;
    long startNanos = System.nanoTime();
    try {
      while (!stopped && (o.total().isEmpty() || sent < o.total().getAsLong())) {
        List<Clip> clips = world.trainingClips(CHUNK, o.seed() * 1_000_003L + chunk);
        TestSet set = HELD_OUT_SETS.get((int) (chunk % HELD_OUT_SETS.size()));
        List<Clip> heldOut =
            o.evalEvery() == 0 ? List.of() : world.testClips(set, 1, o.seed() * 7_919L + chunk);
        int h = firstHeldOut(chunk, o.evalEvery(), heldOut.size());
        for (Clip c : clips) {
          if (stopped || (o.total().isPresent() && sent >= o.total().getAsLong())) {
            break;
          }
          pace(o, sent, startNanos);
          String id = "synthetic-" + o.seed() + "-" + sent;
          if (o.evalEvery() > 0
              && sent % o.evalEvery() == o.evalEvery() - 1
              && !heldOut.isEmpty()) {
            Clip e = heldOut.get(h++ % heldOut.size());
            producer.send(
                e.toLabeledClip(
                    id, set == TestSet.SCENE_ONLY ? Identifiers.NEGATIVE_SPLIT : e.split().tag()));
          } else {
            producer.send(c.toLabeledClip(id, "train"));
          }
          sent++;
        }
        chunk++;
      }
      producer.flush();
    } catch (RuntimeException e) {
      metrics.error();
      LOG.error("synthetic clip feed stopped after {} clips: {}", sent, e.getMessage());
    }
  }

  /**
   * Where a chunk's held-out clips start in its set's test clips: where the same set's previous
   * chunk stopped, so that every action of the set is held out in turn (starting at 0 in every
   * chunk held out only the first {@code CHUNK / evalEvery} actions of each set, over and over).
   */
  static int firstHeldOut(long chunk, int evalEvery, int setClips) {
    if (evalEvery <= 0 || setClips <= 0) {
      return 0;
    }
    long earlierChunksOfTheSet = chunk / HELD_OUT_SETS.size();
    long perChunk = CHUNK / evalEvery;
    return (int) Math.floorMod(earlierChunksOfTheSet * perChunk, (long) setClips);
  }

  private void pace(Options o, long sent, long startNanos) {
    if (o.clipsPerSecond() <= 0) {
      return;
    }
    long due = startNanos + (long) (sent * 1e9 / o.clipsPerSecond());
    long wait = due - System.nanoTime();
    if (wait > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopped = true;
      }
    }
  }

  /** Waits until the feed has sent its count (or was closed). */
  public void await() throws InterruptedException {
    thread.join();
  }

  @Override
  public void close() {
    stopped = true;
    try {
      thread.join(20_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
  }
}
