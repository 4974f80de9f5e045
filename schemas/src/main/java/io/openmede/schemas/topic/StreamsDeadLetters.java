package io.openmede.schemas.topic;

import io.openmede.schemas.avro.DeadLetter;
import io.prometheus.metrics.core.metrics.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams exception handlers of every Streams service: a record that cannot be
 * deserialized, whose processing threw, or whose output cannot be produced (larger than its topic
 * takes, {@link RecordTooLargeForTopicException}; refused by the broker) becomes a {@link
 * DeadLetter} with the reason, and the stream thread goes on. The dead letters travel in the task's
 * transaction like any output.
 *
 * <p>Configured through the Streams properties that {@link #configure} sets: the dead-letter topic,
 * its serializer, the service's name and the counter (one label, {@code reason}) that counts each
 * dead letter as {@code deserialization}, {@code processing}, {@code too-large} or {@code
 * production}.
 */
public final class StreamsDeadLetters {

  /** Property: the dead-letter topic. */
  public static final String TOPIC = "openmede.dead-letter.topic";

  /** Property: the {@code Serializer<DeadLetter>} instance. */
  public static final String SERIALIZER = "openmede.dead-letter.serializer";

  /** Property: the service's name, as dead letters name it. */
  public static final String SERVICE = "openmede.dead-letter.service";

  /** Property: the {@link Counter} (label {@code reason}) of dead letters. */
  public static final String COUNTER = "openmede.dead-letter.counter";

  private static final Logger LOG = LoggerFactory.getLogger(StreamsDeadLetters.class);

  private StreamsDeadLetters() {}

  /** Adds the three handlers and their settings to Streams properties. */
  public static void configure(
      Map<Object, Object> props,
      Topic<byte[], DeadLetter> deadLetters,
      String service,
      Counter counter) {
    configure(props, deadLetters.name(), deadLetters.valueSerde().serializer(), service, counter);
  }

  /** Adds the three handlers and their settings to Streams properties. */
  public static void configure(
      Map<Object, Object> props,
      String deadLetterTopic,
      Serializer<DeadLetter> serializer,
      String service,
      Counter counter) {
    props.put("deserialization.exception.handler", Deserialization.class.getName());
    props.put("processing.exception.handler", Processing.class.getName());
    props.put("production.exception.handler", Production.class.getName());
    props.put(TOPIC, deadLetterTopic);
    props.put(SERIALIZER, serializer);
    props.put(SERVICE, service);
    props.put(COUNTER, counter);
  }

  /** What the handlers share. */
  abstract static class Base {
    String topic;
    Serializer<DeadLetter> serializer;
    String service = "unknown";
    Counter counter;

    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs) {
      topic = (String) configs.get(TOPIC);
      serializer = (Serializer<DeadLetter>) configs.get(SERIALIZER);
      if (configs.get(SERVICE) != null) {
        service = (String) configs.get(SERVICE);
      }
      counter = (Counter) configs.get(COUNTER);
    }

    List<ProducerRecord<byte[], byte[]>> letter(
        ErrorHandlerContext ctx, byte[] key, byte[] value, String error, Exception e, String kind) {
      LOG.warn(
          "{} failure on {}-{}@{}; sending the record to dead letters: {}",
          kind,
          ctx.topic(),
          ctx.partition(),
          ctx.offset(),
          error);
      if (counter != null) {
        counter.labelValues(kind).inc();
      }
      if (topic == null || serializer == null) {
        LOG.error("no dead-letter topic configured; the record is skipped");
        return List.of();
      }
      byte[] k = cut(key);
      DeadLetter letter =
          DeadLetterRecords.of(
              DeadLetterRecords.Source.at(
                  ctx.topic() == null ? "unknown" : ctx.topic(),
                  ctx.partition(),
                  ctx.offset(),
                  k,
                  cut(value)),
              kind + ": " + error,
              e.getClass().getName(),
              service,
              Instant.now());
      return List.of(new ProducerRecord<>(topic, null, k, serializer.serialize(topic, letter)));
    }
  }

  /**
   * Whether {@code e} is the schema registry's absence rather than the record's fault: the stream
   * thread then fails (nothing is committed past the record, which is read again) instead of
   * dead-lettering a good record. A service's registry client waits while the registry is away
   * ({@link io.openmede.schemas.registry.WaitingRegistryClient}); it gives up only when the service
   * closes, or in a client that was never asked to wait.
   */
  static boolean registryAway(ErrorHandlerContext ctx, Exception e) {
    if (!io.openmede.schemas.registry.SchemaRegistryException.transientIn(e)) {
      return false;
    }
    LOG.warn(
        "the schema registry is away while handling {}-{}@{} ({}); the record is not"
            + " dead-lettered: the stream thread stops and the record is read again",
        ctx.topic(),
        ctx.partition(),
        ctx.offset(),
        e.getMessage());
    return true;
  }

  /** The most original bytes kept in a dead letter made here (key and value each). */
  static final int MAX_KEPT_BYTES = 8 * 1024 * 1024;

  private static byte[] cut(byte[] b) {
    return b == null || b.length <= MAX_KEPT_BYTES ? b : Arrays.copyOf(b, MAX_KEPT_BYTES);
  }

  /** Undecodable records (bad bytes, unknown schema) go to dead letters. */
  public static final class Deserialization extends Base
      implements DeserializationExceptionHandler {
    @Override
    public Response handleError(
        ErrorHandlerContext ctx, ConsumerRecord<byte[], byte[]> record, Exception e) {
      if (registryAway(ctx, e)) {
        return Response.fail();
      }
      return Response.resume(
          letter(ctx, record.key(), record.value(), e.getMessage(), e, "deserialization"));
    }
  }

  /** Records whose processing threw go to dead letters; the stream thread goes on. */
  public static final class Processing extends Base implements ProcessingExceptionHandler {
    @Override
    public Response handleError(
        ErrorHandlerContext ctx,
        org.apache.kafka.streams.processor.api.Record<?, ?> record,
        Exception e) {
      if (registryAway(ctx, e)) {
        return Response.fail();
      }
      return Response.resume(
          letter(ctx, ctx.sourceRawKey(), ctx.sourceRawValue(), e.getMessage(), e, "processing"));
    }
  }

  /**
   * Output that cannot be produced: the input record that made it goes to dead letters with the
   * reason (the output is not kept: it is what was refused); the stream thread goes on.
   */
  public static final class Production extends Base implements ProductionExceptionHandler {

    @Override
    @SuppressWarnings("rawtypes") // the interface's own signature
    public Response handleSerializationError(
        ErrorHandlerContext ctx,
        ProducerRecord record,
        Exception e,
        SerializationExceptionOrigin origin) {
      if (registryAway(ctx, e)) {
        return Response.fail();
      }
      String kind = e instanceof RecordTooLargeForTopicException ? "too-large" : "production";
      byte[] key = ctx.sourceRawKey() != null ? ctx.sourceRawKey() : keyBytes(record.key());
      return Response.resume(
          letter(
              ctx,
              key,
              ctx.sourceRawValue(),
              "the output to " + record.topic() + " was refused: " + e.getMessage(),
              e,
              kind));
    }

    @Override
    public Response handleError(
        ErrorHandlerContext ctx, ProducerRecord<byte[], byte[]> record, Exception e) {
      return Response.resume(
          letter(
              ctx,
              record.key(),
              record.value(),
              "the broker refused the output to " + record.topic() + ": " + e,
              e,
              "production"));
    }

    private static byte[] keyBytes(Object key) {
      if (key instanceof byte[] b) {
        return b;
      }
      return key == null ? null : key.toString().getBytes(StandardCharsets.UTF_8);
    }
  }
}
