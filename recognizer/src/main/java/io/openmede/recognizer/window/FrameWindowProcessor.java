package io.openmede.recognizer.window;

import io.openmede.recognizer.metrics.RecognizerMetrics;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.topic.DeadLetterRecords;
import io.openmede.schemas.values.Identifiers;
import io.openmede.schemas.values.InputBounds;
import io.openmede.schemas.values.Printable;
import io.openmede.schemas.values.StreamBounds;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Windows each stream's frame batches: loads the stream's {@link StreamWindowState} from the
 * changelogged window store, applies the {@link SlidingWindower}, stores the state back and
 * forwards completed {@link ClipWindow}s (key: stream id) to the scoring processor. A batch that
 * fails {@link FrameBatchCheck} (or a tombstone) goes to the dead-letter sink with the reason and
 * the original bytes; the stream's state is not touched. So does the first batch of a new stream
 * when the task's store already holds {@code maxStreams} streams: the state kept per stream is
 * bounded (a few frames), the number of streams a producer can name is not.
 *
 * <p>A batch that would move its stream's position (highest frame sequence, latest capture time)
 * out of the deployment's {@link StreamBounds} is dead-lettered too and the state stays: one frame
 * numbered near the top of the range must not make every later frame of the camera late. When
 * nothing of the stream was accepted for {@code streams.resync-after}, such a batch starts the
 * stream afresh instead (a camera whose numbering really restarted), counted in {@code
 * openmede_recognizer_stream_resyncs}.
 */
public final class FrameWindowProcessor implements Processor<String, FrameBatch, Object, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(FrameWindowProcessor.class);

  private final String storeName;
  private final SlidingWindower windower;
  private final String windowsChild;
  private final String deadLetterChild;
  private final Serializer<FrameBatch> frameSerializer;
  private final RecognizerMetrics metrics;
  private final int maxStreams;
  private final InputBounds bounds;
  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, StreamWindowState> store;

  public FrameWindowProcessor(
      String storeName,
      WindowConfig config,
      String windowsChild,
      String deadLetterChild,
      Serializer<FrameBatch> frameSerializer,
      RecognizerMetrics metrics,
      int maxStreams,
      InputBounds bounds) {
    this.storeName = storeName;
    this.bounds = bounds;
    this.maxStreams = maxStreams;
    this.windower = new SlidingWindower(config);
    this.windowsChild = windowsChild;
    this.deadLetterChild = deadLetterChild;
    this.frameSerializer = frameSerializer;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
  }

  @Override
  public void process(org.apache.kafka.streams.processor.api.Record<String, FrameBatch> record) {
    FrameBatch batch = record.value();
    metrics.frameBatches.inc();
    if (batch == null) {
      deadLetter(
          record,
          null,
          "tombstone (null value) on the frames topic; expected a FrameBatch",
          "bad-frames");
      return;
    }
    Optional<String> problem = FrameBatchCheck.problem(batch, bounds.frames());
    if (problem.isPresent()) {
      deadLetter(record, batch, problem.get(), "bad-frames");
      return;
    }
    String stream = batch.getStreamId();
    Optional<String> badId = Identifiers.streamIdRefusal(stream);
    if (badId.isPresent()) {
      deadLetter(
          record,
          batch,
          "batch "
              + batch.getBatchSequence()
              + ": a stream id of "
              + (stream == null ? 0 : stream.length())
              + " characters ("
              + Printable.quote(stream == null ? "" : stream)
              + "): "
              + badId.get(),
          "bad-stream-id");
      return;
    }
    StreamWindowState state = store.get(stream);
    if (state == null) {
      long open = store.approximateNumEntries();
      if (open >= maxStreams) {
        deadLetter(
            record,
            batch,
            "stream '"
                + stream
                + "' is new and this task already holds the window state of "
                + open
                + " streams, its limit (recognizer.streams.max-per-task="
                + maxStreams
                + "): raise it if these are real cameras, or add partitions and instances",
            "too-many-streams");
        return;
      }
      state = new StreamWindowState();
    } else if (state.highestSequence != Long.MIN_VALUE) {
      long now = context.currentSystemTimeMs();
      if (state.acceptedAtMs == 0) {
        state.acceptedAtMs = now; // a state kept before the clock was: counted from now
      }
      long last = batch.getFrames().get(batch.getFrames().size() - 1).getSequence();
      long latest = Long.MIN_VALUE;
      for (Frame f : batch.getFrames()) {
        latest = Math.max(latest, f.getCaptureTime().toEpochMilli());
      }
      StreamBounds.Judgement j =
          bounds
              .streams()
              .judge(
                  new StreamBounds.Position(
                      state.highestSequence,
                      state.latestCaptureMs == Long.MIN_VALUE ? latest : state.latestCaptureMs,
                      state.acceptedAtMs),
                  last,
                  latest,
                  now);
      if (j.verdict() == StreamBounds.Verdict.REFUSE) {
        deadLetter(
            record,
            batch,
            "batch " + batch.getBatchSequence() + " of stream '" + stream + "': " + j.reason(),
            "out-of-bounds");
        return;
      }
      if (j.verdict() == StreamBounds.Verdict.RESYNC) {
        LOG.warn(
            "stream '{}' starts afresh at batch {}: {}",
            stream,
            batch.getBatchSequence(),
            j.reason());
        metrics.streamResyncs.inc();
        state = new StreamWindowState();
      }
    }
    SlidingWindower.Outcome outcome =
        windower.accept(
            state,
            stream,
            batch.getBatchSequence(),
            FrameBatchCheck.frames(batch),
            context.currentSystemTimeMs());
    if (outcome.duplicate()) {
      metrics.duplicateBatches.inc();
      return;
    }
    store.put(stream, state);
    metrics.windowGaps.inc(outcome.gaps());
    metrics.lateFrames.inc(outcome.lateFrames());
    for (ClipWindow w : outcome.windows()) {
      metrics.windows.inc();
      context.forward(record.withKey((Object) stream).withValue((Object) w), windowsChild);
    }
  }

  private void deadLetter(
      org.apache.kafka.streams.processor.api.Record<String, FrameBatch> record,
      FrameBatch batch,
      String reason,
      String metricReason) {
    Optional<RecordMetadata> meta = context.recordMetadata();
    String topic = meta.map(RecordMetadata::topic).orElse("unknown");
    byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
    byte[] value = serialized(topic, batch);
    DeadLetter letter =
        DeadLetterRecords.of(
            meta.map(m -> DeadLetterRecords.Source.at(topic, m.partition(), m.offset(), key, value))
                .orElseGet(() -> DeadLetterRecords.Source.unplaced(topic, key, value)),
            reason,
            FrameBatchCheck.class.getName(),
            RecognizerMetrics.SERVICE,
            Instant.ofEpochMilli(context.currentSystemTimeMs()));
    metrics.deadLetters.labelValues(metricReason).inc();
    context.forward(record.withKey((Object) key).withValue((Object) letter), deadLetterChild);
  }

  /** The batch's bytes as the frames topic holds them; null when there is none or it will not. */
  private byte[] serialized(String topic, FrameBatch batch) {
    if (batch == null) {
      return null;
    }
    try {
      return frameSerializer.serialize(topic, batch);
    } catch (RuntimeException e) {
      return null; // the reason still says what was wrong
    }
  }
}
