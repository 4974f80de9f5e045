package io.openmede.recognizer.window;

import io.openmede.recognizer.DeadLetters;
import io.openmede.recognizer.RecognizerMetrics;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.FrameBatch;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Windows each stream's frame batches: loads the stream's {@link StreamWindowState} from the
 * persistent window store, applies the {@link SlidingWindower}, stores the state back and forwards
 * completed {@link ClipWindow}s (key: stream id) to the scoring processor. A batch that fails
 * {@link FrameBatchCheck} (or a tombstone) goes to the dead-letter sink with the reason and the
 * original bytes; the stream's state is not touched. So does the first batch of a new stream when
 * the task's store already holds {@code maxStreams} streams: the state kept per stream is bounded
 * (a few frames), the number of streams a producer can name is not.
 */
public final class FrameWindowProcessor implements Processor<String, FrameBatch, Object, Object> {

  private final String storeName;
  private final SlidingWindower windower;
  private final String windowsChild;
  private final String deadLetterChild;
  private final Serializer<FrameBatch> frameSerializer;
  private final RecognizerMetrics metrics;
  private final int maxStreams;
  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, StreamWindowState> store;

  public FrameWindowProcessor(
      String storeName,
      WindowConfig config,
      String windowsChild,
      String deadLetterChild,
      Serializer<FrameBatch> frameSerializer,
      RecognizerMetrics metrics,
      int maxStreams) {
    this.storeName = storeName;
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
    Optional<String> problem = FrameBatchCheck.problem(batch);
    if (problem.isPresent()) {
      deadLetter(record, batch, problem.get(), "bad-frames");
      return;
    }
    String stream = batch.getStreamId();
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
    byte[] value = null;
    if (batch != null) {
      try {
        value = frameSerializer.serialize(topic, batch);
      } catch (RuntimeException e) {
        value = null; // the reason still says what was wrong
      }
    }
    DeadLetter letter =
        DeadLetters.of(
            topic,
            meta.map(m -> OptionalInt.of(m.partition())).orElse(OptionalInt.empty()),
            meta.map(m -> OptionalLong.of(m.offset())).orElse(OptionalLong.empty()),
            Optional.ofNullable(key),
            Optional.ofNullable(value),
            reason,
            "io.openmede.recognizer.window.FrameBatchCheck",
            context.currentSystemTimeMs());
    metrics.deadLetters.labelValues(metricReason).inc();
    context.forward(record.withKey((Object) key).withValue((Object) letter), deadLetterChild);
  }
}
