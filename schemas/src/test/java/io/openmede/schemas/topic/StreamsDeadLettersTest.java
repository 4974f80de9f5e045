package io.openmede.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.registry.SchemaRegistryException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/** The handlers with a FAKE dead-letter serializer (bytes of the error) and a FAKE context. */
class StreamsDeadLettersTest {

  private static StreamsDeadLetters.Deserialization handler() {
    StreamsDeadLetters.Deserialization h = new StreamsDeadLetters.Deserialization();
    Serializer<DeadLetter> fakeSerializer =
        (topic, d) -> d.getError().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    h.configure(
        Map.of(
            StreamsDeadLetters.TOPIC,
            "dead",
            StreamsDeadLetters.SERIALIZER,
            fakeSerializer,
            StreamsDeadLetters.SERVICE,
            "test"));
    return h;
  }

  private static final ErrorHandlerContext FAKE_CONTEXT =
      new ErrorHandlerContext() {
        @Override
        public String topic() {
          return "frames";
        }

        @Override
        public int partition() {
          return 0;
        }

        @Override
        public long offset() {
          return 7;
        }

        @Override
        public Headers headers() {
          return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
          return "source";
        }

        @Override
        public TaskId taskId() {
          return new TaskId(0, 0);
        }

        @Override
        public long timestamp() {
          return 0;
        }

        @Override
        public byte[] sourceRawKey() {
          return null;
        }

        @Override
        public byte[] sourceRawValue() {
          return null;
        }
      };

  private static final ConsumerRecord<byte[], byte[]> RECORD =
      new ConsumerRecord<>("frames", 0, 7, new byte[] {1}, new byte[] {0, 0, 0, 0, 3});

  @Test
  void deserialization_aBadRecordIsDeadLetteredAndTheThreadResumes() {
    DeserializationExceptionHandler.Response r =
        handler().handleError(FAKE_CONTEXT, RECORD, new SerializationException("magic byte 0x74"));
    assertThat(r.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
    assertThat(r.deadLetterQueueRecords()).hasSize(1);
  }

  @Test
  void deserialization_theRegistryAway_failsTheThreadWithoutADeadLetter() {
    // what a service's waiting registry client throws once the service closes during an outage
    Exception away =
        new SerializationException(
            "fetching schema id 3",
            SchemaRegistryException.unreachable(
                "http://registry:8081", new java.net.ConnectException("refused")));
    DeserializationExceptionHandler.Response r = handler().handleError(FAKE_CONTEXT, RECORD, away);
    assertThat(r.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
    assertThat(r.deadLetterQueueRecords()).isEmpty();
  }
}
