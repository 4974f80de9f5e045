package io.openmede.recognizer;

import io.openmede.recognizer.metrics.RecognizerMetrics;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.topic.DeadLetterRecords;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams exception handlers that turn a record that cannot be deserialized or processed into
 * a {@link DeadLetter} on the dead-letter topic and let the stream thread go on. The dead letters
 * travel in the task's transaction like any output.
 *
 * <p>Configured through the Streams properties: {@link #TOPIC} (the dead-letter topic name), {@link
 * #SERIALIZER} (a {@code Serializer<DeadLetter>} instance) and optionally {@link #METRICS} (a
 * {@link RecognizerMetrics} instance); {@link #configure(Map, RecognizerTopics, RecognizerMetrics)}
 * sets all three.
 */
public final class DeadLetterExceptionHandlers {

  /** Property: the dead-letter topic. */
  public static final String TOPIC = "openmede.recognizer.dead-letter.topic";

  /** Property: the {@code Serializer<DeadLetter>} instance. */
  public static final String SERIALIZER = "openmede.recognizer.dead-letter.serializer";

  /** Property: the {@link RecognizerMetrics} instance. */
  public static final String METRICS = "openmede.recognizer.metrics";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterExceptionHandlers.class);

  private DeadLetterExceptionHandlers() {}

  /** Adds the handlers and their settings to Streams properties. */
  public static void configure(
      Map<Object, Object> props, RecognizerTopics topics, RecognizerMetrics metrics) {
    props.put(
        "deserialization.exception.handler", DeadLetterDeserializationHandler.class.getName());
    props.put("processing.exception.handler", DeadLetterProcessingHandler.class.getName());
    props.put(TOPIC, topics.deadLetters());
    props.put(SERIALIZER, topics.deadLetterSerde().serializer());
    props.put(METRICS, metrics);
  }

  /** What both handlers share. */
  abstract static class Base {
    String topic;
    Serializer<DeadLetter> serializer;
    RecognizerMetrics metrics;

    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs) {
      topic = (String) configs.get(TOPIC);
      serializer = (Serializer<DeadLetter>) configs.get(SERIALIZER);
      metrics = (RecognizerMetrics) configs.get(METRICS);
    }

    List<ProducerRecord<byte[], byte[]>> letter(
        ErrorHandlerContext ctx, byte[] key, byte[] value, Exception e, String kind) {
      LOG.warn(
          "{} failure on {}-{}@{}; sending the record to dead letters: {}",
          kind,
          ctx.topic(),
          ctx.partition(),
          ctx.offset(),
          e.toString());
      if (metrics != null) {
        metrics.deadLetters.labelValues(kind).inc();
      }
      if (topic == null || serializer == null) {
        LOG.error("no dead-letter topic configured; the record is skipped");
        return List.of();
      }
      DeadLetter letter =
          DeadLetterRecords.of(
              DeadLetterRecords.Source.at(
                  ctx.topic() == null ? "unknown" : ctx.topic(),
                  ctx.partition(),
                  ctx.offset(),
                  key,
                  value),
              kind + ": " + e.getMessage(),
              e.getClass().getName(),
              RecognizerMetrics.SERVICE,
              Instant.now());
      return List.of(new ProducerRecord<>(topic, null, key, serializer.serialize(topic, letter)));
    }
  }

  /** Undecodable records (bad bytes, unknown schema) go to dead letters. */
  public static final class DeadLetterDeserializationHandler extends Base
      implements DeserializationExceptionHandler {
    @Override
    public Response handleError(
        ErrorHandlerContext ctx, ConsumerRecord<byte[], byte[]> record, Exception e) {
      return Response.resume(letter(ctx, record.key(), record.value(), e, "deserialization"));
    }
  }

  /** Records whose processing threw go to dead letters; the stream thread goes on. */
  public static final class DeadLetterProcessingHandler extends Base
      implements ProcessingExceptionHandler {
    @Override
    public Response handleError(
        ErrorHandlerContext ctx,
        org.apache.kafka.streams.processor.api.Record<?, ?> record,
        Exception e) {
      return Response.resume(
          letter(ctx, ctx.sourceRawKey(), ctx.sourceRawValue(), e, "processing"));
    }
  }
}
