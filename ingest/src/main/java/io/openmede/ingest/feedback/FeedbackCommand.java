package io.openmede.ingest.feedback;

import io.openmede.schemas.avro.Feedback;
import io.openmede.schemas.avro.FeedbackVerdict;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.vocabulary.VocabularyRules;
import io.openmede.settings.ConfigOptions;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code openmede feedback confirm|correct}: a verdict on one recognized window, which the labeler
 * (started by the demo, or {@code openmede labeler}) turns into a labeled clip for the trainer.
 */
@Command(
    name = "feedback",
    mixinStandardHelpOptions = true,
    description = {
      "Confirm or correct a recognized window: the labeler makes a labeled clip of exactly its"
          + " frames (read back from the frames topic) for the trainer.",
      "The window is the stream and its first frame sequence, as a recognition shows them."
    },
    subcommands = {FeedbackCommand.Confirm.class, FeedbackCommand.Correct.class})
public final class FeedbackCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.err.println("name a subcommand: confirm or correct (see --help)");
    return 2;
  }

  /** What both subcommands take. */
  static class WindowOptions {
    @Mixin ConfigOptions config;

    @Option(names = "--stream", required = true, description = "The stream id.")
    String stream;

    @Option(
        names = "--first-sequence",
        required = true,
        description = "Frame sequence of the window's first frame.")
    long first;

    @Option(
        names = "--last-sequence",
        description = "Frame sequence of its last frame; default: first + --frames - 1.")
    Long last;

    @Option(
        names = "--frames",
        defaultValue = "8",
        description =
            "Frames of a window, when --last-sequence is not given (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--label", required = true, description = "The label the window shows.")
    String label;

    @Option(
        names = "--sender",
        defaultValue = "cli",
        description = "Who sends it (default: ${DEFAULT-VALUE}).")
    String sender;

    int send(FeedbackVerdict verdict) throws Exception {
      String clean;
      try {
        clean = VocabularyRules.cleanLabel(label);
      } catch (IllegalArgumentException e) {
        System.err.println("feedback: " + e.getMessage());
        return 2;
      }
      long lastSeq = last != null ? last : first + frames - 1;
      if (first < 0 || lastSeq < first) {
        System.err.println("feedback: the range " + first + "-" + lastSeq + " is not a window");
        return 2;
      }
      Cluster cluster = Cluster.from(config.resolve(Cluster.GROUPS));
      Feedback f =
          Feedback.newBuilder()
              .setStreamId(stream)
              .setFirstSequence(first)
              .setLastSequence(lastSeq)
              .setLabel(clean)
              .setVerdict(verdict)
              .setSender(sender)
              .setSentAt(Instant.now())
              .build();
      try (KafkaProducer<String, Feedback> p =
          new KafkaProducer<>(
              cluster.producerConfig("openmede-feedback"),
              new StringSerializer(),
              cluster.topics().feedback().valueSerde().serializer())) {
        p.send(new ProducerRecord<>(cluster.topics().feedback().name(), stream, f)).get();
      }
      System.out.println(
          verdict.name().toLowerCase(java.util.Locale.ROOT)
              + " "
              + stream
              + " frames "
              + first
              + "-"
              + lastSeq
              + " as "
              + VocabularyRules.quote(clean)
              + ": the labeler makes clip "
              + Labeler.clipId(stream, first, lastSeq));
      return 0;
    }
  }

  /** {@code feedback confirm}. */
  @Command(
      name = "confirm",
      mixinStandardHelpOptions = true,
      description = "The recognition was right.")
  static final class Confirm implements Callable<Integer> {
    @Mixin WindowOptions window;

    @Override
    public Integer call() throws Exception {
      return window.send(FeedbackVerdict.CONFIRM);
    }
  }

  /** {@code feedback correct}. */
  @Command(
      name = "correct",
      mixinStandardHelpOptions = true,
      description = "The window shows --label.")
  static final class Correct implements Callable<Integer> {
    @Mixin WindowOptions window;

    @Override
    public Integer call() throws Exception {
      return window.send(FeedbackVerdict.CORRECT);
    }
  }
}
