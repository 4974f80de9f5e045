package io.openmede.ingest.feedback;

import io.openmede.schemas.avro.Feedback;
import io.openmede.schemas.avro.FeedbackVerdict;
import io.openmede.schemas.feedback.FeedbackRecords;
import io.openmede.schemas.feedback.FeedbackWriter;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.values.Identifiers;
import io.openmede.schemas.values.Printable;
import io.openmede.settings.ConfigOptions;
import java.util.Optional;
import java.util.concurrent.Callable;
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
    subcommands = {
      FeedbackCommand.Confirm.class,
      FeedbackCommand.Correct.class,
      FeedbackCommand.Nothing.class
    })
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

    @Option(
        names = "--add-to-vocabulary",
        description =
            "Also add --label to the vocabulary (default prompts) when it is not there: the labeler"
                + " does it with the clip.")
    boolean addToVocabulary;

    int send(FeedbackVerdict verdict) throws Exception {
      long lastSeq = last != null ? last : first + frames - 1;
      Feedback f;
      try {
        f =
            FeedbackRecords.build(
                stream, first, lastSeq, Optional.empty(), label, verdict, addToVocabulary, sender);
      } catch (IllegalArgumentException e) {
        System.err.println("feedback: " + e.getMessage());
        return 2;
      }
      Cluster cluster = Cluster.from(config.resolve(Cluster.GROUPS));
      try (FeedbackWriter w =
          new FeedbackWriter(
              cluster.clientConfig(), cluster.topics().feedback(), "openmede-feedback")) {
        w.send(f);
      } catch (IllegalStateException e) {
        System.err.println("feedback: " + e.getMessage());
        return 1;
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
              + Printable.quote(f.getLabel())
              + ": the labeler makes clip "
              + Identifiers.feedbackClipId(stream, first, lastSeq)
              + (addToVocabulary
                  ? " and adds the label to the vocabulary if it is not there"
                  : ""));
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

  /** {@code feedback nothing}. */
  @Command(
      name = "nothing",
      mixinStandardHelpOptions = true,
      description =
          "Nothing of the vocabulary happens in the window (a false alarm; --label names what was"
              + " recognized): its clip is a negative for the trainer's open-set thresholds, never"
              + " trained on.")
  static final class Nothing implements Callable<Integer> {
    @Mixin WindowOptions window;

    @Override
    public Integer call() throws Exception {
      return window.send(FeedbackVerdict.NOTHING);
    }
  }
}
