package io.openmede.ingest.produce;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.ingest.frame.FrameSize;
import io.openmede.ingest.source.DecodedFrame;
import io.openmede.ingest.source.FrameSource;
import io.openmede.ingest.source.SourcePosition;
import io.openmede.ingest.source.TestVideos;
import io.openmede.ingest.source.VideoFileSource;
import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The pipeline against Kafka's MockProducer (no broker); slow Kafka is a MockProducer that sleeps.
 */
class FramePipelineTest {

  private static FramePipeline.Options options(Optional<Double> fps, int queue) {
    return new FramePipeline.Options(
        "cam-1",
        fps,
        Optional.of(FrameSize.fixed(64, 48)),
        FrameEncoding.JPEG,
        80,
        8,
        1 << 20,
        queue,
        false);
  }

  private static MockProducer<String, FrameBatch> mock() {
    return new MockProducer<>(true, null, new StringSerializer(), (topic, value) -> new byte[0]);
  }

  private static List<Long> sequences(MockProducer<String, FrameBatch> producer) {
    return producer.history().stream()
        .flatMap(r -> r.value().getFrames().stream())
        .map(Frame::getSequence)
        .toList();
  }

  @Test
  void run_fileSource_sendsEveryFrameOnceInOrder_keyedByStream() throws Exception {
    MockProducer<String, FrameBatch> kafka = mock();
    IngestMetrics metrics = new IngestMetrics();
    try (VideoFileSource source = new VideoFileSource(TestVideos.path(TestVideos.TEST_AVI));
        FrameProducer producer = new FrameProducer(kafka, "frames", metrics)) {
      new FramePipeline(source, producer, options(Optional.empty(), 16), metrics).run();
    }
    assertThat(sequences(kafka)).hasSize(164);
    for (int i = 0; i < 164; i++) {
      assertThat(sequences(kafka).get(i)).isEqualTo(i);
    }
    assertThat(kafka.history()).hasSize(21); // 20 full batches of 8 and one of 4
    assertThat(kafka.history()).allSatisfy(r -> assertThat(r.key()).isEqualTo("cam-1"));
    assertThat(kafka.history()).allSatisfy(r -> assertThat(r.topic()).isEqualTo("frames"));
    assertThat(kafka.history().get(0).value().getWidth()).isEqualTo(64);
    assertThat(kafka.history().get(20).value().getBatchSequence()).isEqualTo(20);
    assertThat(metrics.snapshot().framesSent()).isEqualTo(164);
    assertThat(metrics.snapshot().recordsAcked()).isEqualTo(21);
    assertThat(kafka.closed()).isTrue();
  }

  @Test
  void run_targetFps_keepsFramesByCaptureTime() throws Exception {
    MockProducer<String, FrameBatch> kafka = mock();
    IngestMetrics metrics = new IngestMetrics();
    try (VideoFileSource source = new VideoFileSource(TestVideos.path(TestVideos.TEST_AVI));
        FrameProducer producer = new FrameProducer(kafka, "frames", metrics)) {
      new FramePipeline(source, producer, options(Optional.of(5.0), 16), metrics).run();
    }
    // 25 fps to 5 fps: every fifth frame of 164, numbered consecutively as the published stream
    // (a gap downstream must mean a lost frame, not sampling), 200 ms apart in capture time.
    assertThat(sequences(kafka)).hasSize(33);
    assertThat(sequences(kafka))
        .isEqualTo(java.util.stream.LongStream.range(0, 33).boxed().toList());
    List<Long> times =
        kafka.history().stream()
            .flatMap(r -> r.value().getFrames().stream())
            .map(f -> f.getCaptureTime().toEpochMilli())
            .toList();
    assertThat(times.get(3) - times.get(2)).isBetween(190L, 210L);
    assertThat(metrics.snapshot().framesRead()).isEqualTo(164);
  }

  @Test
  void slowKafka_liveSourceDropsFrames_fileSourceWaits() throws Exception {
    IngestMetrics live = runWithSlowKafka(true);
    assertThat(live.snapshot().framesDropped()).isPositive();
    assertThat(live.snapshot().framesSent() + live.snapshot().framesDropped()).isEqualTo(200);
    IngestMetrics file = runWithSlowKafka(false);
    assertThat(file.snapshot().framesDropped()).isZero();
    assertThat(file.snapshot().framesSent()).isEqualTo(200);
  }

  @Test
  void run_realtime_pacesAFileAtItsCaptureTimes() throws Exception {
    IngestMetrics metrics = new IngestMetrics();
    FramePipeline.Options opts =
        new FramePipeline.Options(
            "s", Optional.empty(), Optional.empty(), FrameEncoding.RGB, 80, 8, 1 << 20, 4, true);
    long start = System.nanoTime();
    try (FrameSource source = new CountingSourceFake(201, false); // 1 ms apart: 200 ms of video
        FrameProducer producer = new FrameProducer(mock(), "frames", metrics)) {
      new FramePipeline(source, producer, opts, metrics).run();
    }
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(200);
    assertThat(metrics.snapshot().framesSent()).isEqualTo(201);
  }

  @Test
  void stop_fromAnotherThread_endsAnEndlessLiveSource_andFlushesWhatWasRead() throws Exception {
    MockProducer<String, FrameBatch> kafka = mock();
    IngestMetrics metrics = new IngestMetrics();
    FramePipeline.Options opts =
        new FramePipeline.Options(
            "s", Optional.empty(), Optional.empty(), FrameEncoding.RGB, 80, 8, 1 << 20, 16, false);
    try (FrameSource source = new CountingSourceFake(Integer.MAX_VALUE, true);
        FrameProducer producer = new FrameProducer(kafka, "frames", metrics)) {
      FramePipeline pipeline = new FramePipeline(source, producer, opts, metrics);
      Thread stopper =
          new Thread(
              () -> {
                try {
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                pipeline.stop();
              });
      stopper.start();
      pipeline.run();
      stopper.join();
    }
    IngestMetrics.Snapshot s = metrics.snapshot();
    assertThat(s.framesRead()).isPositive();
    assertThat(s.framesSent() + s.framesDropped()).isEqualTo(s.framesRead());
    assertThat(sequences(kafka)).hasSize((int) s.framesSent()).isSorted();
  }

  private static IngestMetrics runWithSlowKafka(boolean liveSource) throws Exception {
    MockProducer<String, FrameBatch> slowKafka =
        new MockProducer<>(true, null, new StringSerializer(), (topic, value) -> new byte[0]) {
          @Override
          public synchronized Future<RecordMetadata> send(
              ProducerRecord<String, FrameBatch> record, Callback callback) {
            try {
              Thread.sleep(5);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return super.send(record, callback);
          }
        };
    IngestMetrics metrics = new IngestMetrics();
    FramePipeline.Options opts =
        new FramePipeline.Options(
            "s", Optional.empty(), Optional.empty(), FrameEncoding.RGB, 80, 1, 1 << 20, 4, false);
    try (FrameSource source = new CountingSourceFake(200, liveSource);
        FrameProducer producer = new FrameProducer(slowKafka, "frames", metrics)) {
      new FramePipeline(source, producer, opts, metrics).run();
    }
    return metrics;
  }

  /** A source of tiny frames produced as fast as asked for; live or not as told. */
  static final class CountingSourceFake implements FrameSource {
    private final int frames;
    private final boolean live;
    private long next;
    private volatile boolean closed;

    CountingSourceFake(int frames, boolean live) {
      this.frames = frames;
      this.live = live;
    }

    @Override
    public void open() {}

    @Override
    public Optional<DecodedFrame> next() {
      if (closed || next == frames) {
        return Optional.empty();
      }
      long s = next++;
      return Optional.of(
          new DecodedFrame(
              new byte[12],
              2,
              2,
              s,
              Instant.EPOCH.plusMillis(s),
              new SourcePosition("fake", s, s)));
    }

    @Override
    public boolean live() {
      return live;
    }

    @Override
    public String description() {
      return "fake";
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void run_registryFailsTwiceAtTheFirstBatch_sendsItAgainAndEveryFrameStillGoesOnce()
      throws Exception {
    java.util.concurrent.atomic.AtomicInteger refusals =
        new java.util.concurrent.atomic.AtomicInteger();
    MockProducer<String, FrameBatch> kafka =
        new MockProducer<>(
            true,
            null,
            new StringSerializer(),
            (topic, value) -> {
              if (refusals.getAndIncrement() < 2) {
                throw new org.apache.kafka.common.errors.SerializationException(
                    "cannot write to topic frames",
                    io.openmede.schemas.registry.SchemaRegistryException.refused(
                        "registering a schema under subject \"frames-value\"",
                        409,
                        409,
                        "An artifact with ID 'frames-value' already exists."));
              }
              return new byte[0];
            });
    IngestMetrics metrics = new IngestMetrics();
    try (VideoFileSource source = new VideoFileSource(TestVideos.path(TestVideos.TEST_AVI));
        FrameProducer producer = new FrameProducer(kafka, "frames", metrics)) {
      new FramePipeline(source, producer, options(Optional.empty(), 16), metrics).run();
    }
    assertThat(metrics.registryRetries()).isEqualTo(2);
    assertThat(sequences(kafka)).hasSize(164);
    assertThat(sequences(kafka)).doesNotHaveDuplicates();
    assertThat(kafka.history().get(0).value().getBatchSequence()).isZero();
  }

  @Test
  void run_failureThatIsNotTheRegistrys_stillStopsTheStream() throws Exception {
    MockProducer<String, FrameBatch> kafka =
        new MockProducer<>(
            true,
            null,
            new StringSerializer(),
            (topic, value) -> {
              throw new org.apache.kafka.common.errors.SerializationException("bad record");
            });
    IngestMetrics metrics = new IngestMetrics();
    try (VideoFileSource source = new VideoFileSource(TestVideos.path(TestVideos.TEST_AVI));
        FrameProducer producer = new FrameProducer(kafka, "frames", metrics)) {
      FramePipeline pipeline =
          new FramePipeline(source, producer, options(Optional.empty(), 16), metrics);
      org.assertj.core.api.Assertions.assertThatThrownBy(pipeline::run)
          .hasMessageContaining("bad record");
    }
    assertThat(metrics.registryRetries()).isZero();
  }
}
