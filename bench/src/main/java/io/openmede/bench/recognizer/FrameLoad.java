package io.openmede.bench.recognizer;

import io.openmede.recognizer.RecognizerService;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.topic.Cluster;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The load: the cameras' clips sent as frame batches (one window each), renumbered on from round to
 * round, each one's send time noted for the reader. Used from one thread.
 */
final class FrameLoad implements AutoCloseable {

  private final Cluster cluster;
  private final List<List<FrameBatch>> clips;
  private final Map<String, Long> sentAt;
  private final KafkaProducer<String, FrameBatch> producer;

  /** The next batch number of every stream. */
  private long seq;

  /** {@code sentAt}: where the send times go, by {@link #key}. */
  FrameLoad(
      Cluster cluster, String clientId, List<List<FrameBatch>> clips, Map<String, Long> sentAt) {
    this.cluster = cluster;
    this.clips = clips;
    this.sentAt = sentAt;
    this.producer =
        new KafkaProducer<>(
            cluster.producerConfig(clientId),
            new StringSerializer(),
            cluster.topics().frames().valueSerde().serializer());
  }

  /** A window's key: its stream and first frame. */
  static String key(String stream, long firstSequence) {
    return stream + ":" + firstSequence;
  }

  /** Windows in one round: every clip of every stream. */
  int windowsPerRound() {
    return clips.size() * clips.get(0).size();
  }

  /**
   * Pauses the topology and produces one round: every window of every stream, numbered on from the
   * last round; the frames are produced while the topology is paused, so the load generator's work
   * is not the topology's (the bare side gets its clips ready in memory too). The caller resumes
   * the topology.
   */
  void produceRound(RecognizerService service) {
    service.streams().pause();
    for (int w = 0; w < clips.get(0).size(); w++, seq++) {
      for (List<FrameBatch> s : clips) {
        send(SyntheticFrameBatches.renumbered(s.get(w), seq));
      }
    }
    producer.flush();
  }

  /**
   * Sends step {@code step} of the paced phase and flushes: the streams in turn, each one's batches
   * numbered on from the last round.
   */
  void sendPaced(long step) {
    int stream = (int) (step % clips.size());
    long pacedSeq = seq + step / clips.size();
    List<FrameBatch> clip = clips.get(stream);
    send(SyntheticFrameBatches.renumbered(clip.get((int) (pacedSeq % clip.size())), pacedSeq));
    producer.flush();
  }

  /** The frame producer, for its request metrics. */
  KafkaProducer<String, FrameBatch> producer() {
    return producer;
  }

  private void send(FrameBatch b) {
    sentAt.put(key(b.getStreamId(), b.getFrames().get(0).getSequence()), System.nanoTime());
    producer.send(new ProducerRecord<>(cluster.topics().frames().name(), b.getStreamId(), b));
  }

  @Override
  public void close() {
    producer.close();
  }
}
