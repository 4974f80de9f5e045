package io.openmede.ingest.command;

import io.openmede.ingest.frame.FrameTooLargeException;
import io.openmede.ingest.produce.FramePipeline;
import io.openmede.ingest.produce.FrameProducer;
import io.openmede.ingest.produce.IngestMetrics;
import io.openmede.ingest.produce.ProgressLine;
import io.openmede.ingest.produce.StreamResume;
import io.openmede.ingest.source.FrameSource;
import io.openmede.ingest.source.SourceException;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.topic.Cluster;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Runs one source into the frames topic with progress, Ctrl-C handling and a summary. */
final class StreamRun {
  private StreamRun() {}

  static int run(FrameSource source, String defaultStreamId, StreamOptions s, KafkaOptions k)
      throws InterruptedException, java.io.IOException {
    Cluster cluster = k.cluster();
    IngestMetrics metrics = new IngestMetrics();
    k.serveMetrics(metrics); // daemon threads: the endpoint ends with the command
    FramePipeline.Options options = s.pipelineOptions(defaultStreamId, k.maxMessageBytes);
    KafkaProducer<String, FrameBatch> kafka =
        new KafkaProducer<>(
            k.producerConfig(cluster, "openmede-ingest-" + options.streamId()),
            new StringSerializer(),
            cluster.topics().frames().valueSerde().serializer());
    CountDownLatch done = new CountDownLatch(1);
    try (source;
        FrameProducer producer =
            new FrameProducer(kafka, cluster.topics().frames().name(), metrics)) {
      StreamResume resume =
          StreamResume.find(
              cluster.consumerConfig("openmede-ingest-resume"),
              cluster.topics().frames().name(),
              cluster.topics().frames().valueSerde().deserializer(),
              options.streamId());
      if (resume.nextBatch() > 0) {
        System.err.println(
            "ingest "
                + options.streamId()
                + ": numbering continues at batch "
                + resume.nextBatch()
                + ", frame "
                + resume.nextFrame()
                + " ("
                + resume.how()
                + ")");
      }
      FramePipeline pipeline = new FramePipeline(source, producer, options, metrics, resume);
      Thread hook =
          new Thread(
              () -> {
                pipeline.stop();
                try {
                  done.await(30, TimeUnit.SECONDS); // let run() flush and close
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "ingest-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try (ProgressLine progress =
          new ProgressLine(metrics, System.err, "ingest " + options.streamId())) {
        pipeline.run();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: it waits for done below
        }
      }
      if (producer.firstFailure().isPresent()) {
        System.err.println("some batches were not delivered: " + producer.firstFailure().get());
        return 1;
      }
      return 0;
    } catch (SourceException | FrameTooLargeException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    } finally {
      done.countDown();
    }
  }
}
