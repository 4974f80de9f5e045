package io.openmede.ingest.produce;

import io.openmede.ingest.source.FrameSource;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.topic.Cluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several frame sources sent to the frames topic at once, each through its own {@link
 * FramePipeline} on its own thread, until {@link #close()}: the synthetic cameras and looping files
 * of the demo and of load tests.
 *
 * <p>A source that fails is logged with its reason and counted as an error; the others go on.
 * Thread-safe. {@code close} stops every pipeline, waits for each to flush, and closes the sources
 * and producers.
 */
public final class FrameStreams implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FrameStreams.class);

  private record Running(
      FrameSource source, FramePipeline pipeline, FrameProducer producer, Thread thread) {}

  private final Cluster cluster;
  private final IngestMetrics metrics;
  private final List<Running> running = new CopyOnWriteArrayList<>();

  public FrameStreams(Cluster cluster, IngestMetrics metrics) {
    this.cluster = cluster;
    this.metrics = metrics;
  }

  /** Starts sending a source; the stream id and encoding come from {@code options}. */
  public synchronized void add(FrameSource source, FramePipeline.Options options) {
    Map<String, Object> config = cluster.producerConfig("openmede-ingest-" + options.streamId());
    config.putAll(
        FrameProducer.producerConfig(
            cluster.connection().bootstrapServers(), options.maxMessageBytes()));
    config.putAll(cluster.clientConfig());
    KafkaProducer<String, FrameBatch> kafka =
        new KafkaProducer<>(
            config, new StringSerializer(), cluster.topics().frames().valueSerde().serializer());
    FrameProducer producer = new FrameProducer(kafka, cluster.topics().frames().name(), metrics);
    StreamResume resume =
        StreamResume.find(
            cluster.consumerConfig("openmede-ingest-resume"),
            cluster.topics().frames().name(),
            cluster.topics().frames().valueSerde().deserializer(),
            options.streamId());
    LOG.info(
        "stream {} numbers from batch {} on: {}",
        options.streamId(),
        resume.nextBatch(),
        resume.how());
    FramePipeline pipeline = new FramePipeline(source, producer, options, metrics, resume);
    Thread t =
        new Thread(
            () -> {
              try {
                pipeline.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Exception e) {
                metrics.error();
                LOG.error(
                    "stream {} ({}) stopped: {}",
                    options.streamId(),
                    source.description(),
                    e.getMessage());
              }
            },
            "ingest-" + options.streamId());
    t.setDaemon(true);
    running.add(new Running(source, pipeline, producer, t));
    t.start();
  }

  /** The number of streams started. */
  public int size() {
    return running.size();
  }

  @Override
  public synchronized void close() {
    List<Running> all = new ArrayList<>(running);
    all.forEach(r -> r.pipeline().stop());
    for (Running r : all) {
      try {
        r.thread().join(Duration.ofSeconds(20).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        r.source().close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", r.source().description(), e.toString());
      }
      r.producer().close();
    }
    running.clear();
  }
}
