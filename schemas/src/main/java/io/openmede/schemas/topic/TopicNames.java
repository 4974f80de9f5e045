package io.openmede.schemas.topic;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The names of the project's topics; {@link #defaults()} are those of DESIGN.md §1, each
 * overridable with a {@code with...} method.
 */
public record TopicNames(
    String frames,
    String vocabulary,
    String recognitions,
    String labeledClips,
    String checkpoints,
    String deadLetters,
    String rules,
    String events,
    String feedback,
    String clips) {

  /** Default name of the frames topic. */
  public static final String DEFAULT_FRAMES = "openmede.frames";

  /** Default name of the compacted vocabulary topic. */
  public static final String DEFAULT_VOCABULARY = "openmede.vocabulary";

  /** Default name of the recognitions topic. */
  public static final String DEFAULT_RECOGNITIONS = "openmede.recognitions";

  /** Default name of the labeled-clips topic. */
  public static final String DEFAULT_LABELED_CLIPS = "openmede.labeled-clips";

  /** Default name of the compacted checkpoints topic. */
  public static final String DEFAULT_CHECKPOINTS = "openmede.checkpoints";

  /** Default name of the dead-letters topic. */
  public static final String DEFAULT_DEAD_LETTERS = "openmede.dead-letters";

  /** Default name of the compacted alert-rules topic. */
  public static final String DEFAULT_RULES = "openmede.rules";

  /** Default name of the events topic. */
  public static final String DEFAULT_EVENTS = "openmede.events";

  /** Default name of the feedback topic. */
  public static final String DEFAULT_FEEDBACK = "openmede.feedback";

  /** Default name of the compacted topic of event clips. */
  public static final String DEFAULT_CLIPS = "openmede.clips";

  public TopicNames {
    List<String> all =
        List.of(
            Objects.requireNonNull(frames, "frames topic name"),
            Objects.requireNonNull(vocabulary, "vocabulary topic name"),
            Objects.requireNonNull(recognitions, "recognitions topic name"),
            Objects.requireNonNull(labeledClips, "labeled-clips topic name"),
            Objects.requireNonNull(checkpoints, "checkpoints topic name"),
            Objects.requireNonNull(deadLetters, "dead-letters topic name"),
            Objects.requireNonNull(rules, "rules topic name"),
            Objects.requireNonNull(events, "events topic name"),
            Objects.requireNonNull(feedback, "feedback topic name"),
            Objects.requireNonNull(clips, "clips topic name"));
    Set<String> seen = new HashSet<>();
    for (String name : all) {
      if (!seen.add(name)) {
        throw new IllegalArgumentException(
            "topic name \"" + name + "\" is given to two topics; each topic needs its own name");
      }
    }
  }

  /** Every topic's name, in the order of DESIGN.md §1. */
  public List<String> all() {
    return List.of(
        frames,
        vocabulary,
        recognitions,
        labeledClips,
        checkpoints,
        deadLetters,
        rules,
        events,
        feedback,
        clips);
  }

  /** The default names of DESIGN.md §1 ({@code openmede.frames} and so on). */
  public static TopicNames defaults() {
    return new TopicNames(
        DEFAULT_FRAMES,
        DEFAULT_VOCABULARY,
        DEFAULT_RECOGNITIONS,
        DEFAULT_LABELED_CLIPS,
        DEFAULT_CHECKPOINTS,
        DEFAULT_DEAD_LETTERS,
        DEFAULT_RULES,
        DEFAULT_EVENTS,
        DEFAULT_FEEDBACK,
        DEFAULT_CLIPS);
  }

  public TopicNames withFrames(String name) {
    return new TopicNames(
        name,
        vocabulary,
        recognitions,
        labeledClips,
        checkpoints,
        deadLetters,
        rules,
        events,
        feedback,
        clips);
  }

  public TopicNames withVocabulary(String name) {
    return new TopicNames(
        frames,
        name,
        recognitions,
        labeledClips,
        checkpoints,
        deadLetters,
        rules,
        events,
        feedback,
        clips);
  }

  public TopicNames withRecognitions(String name) {
    return new TopicNames(
        frames,
        vocabulary,
        name,
        labeledClips,
        checkpoints,
        deadLetters,
        rules,
        events,
        feedback,
        clips);
  }

  public TopicNames withLabeledClips(String name) {
    return new TopicNames(
        frames,
        vocabulary,
        recognitions,
        name,
        checkpoints,
        deadLetters,
        rules,
        events,
        feedback,
        clips);
  }

  public TopicNames withCheckpoints(String name) {
    return new TopicNames(
        frames,
        vocabulary,
        recognitions,
        labeledClips,
        name,
        deadLetters,
        rules,
        events,
        feedback,
        clips);
  }

  public TopicNames withDeadLetters(String name) {
    return new TopicNames(
        frames,
        vocabulary,
        recognitions,
        labeledClips,
        checkpoints,
        name,
        rules,
        events,
        feedback,
        clips);
  }

  public TopicNames withRules(String name) {
    return new TopicNames(
        frames,
        vocabulary,
        recognitions,
        labeledClips,
        checkpoints,
        deadLetters,
        name,
        events,
        feedback,
        clips);
  }

  public TopicNames withEvents(String name) {
    return new TopicNames(
        frames,
        vocabulary,
        recognitions,
        labeledClips,
        checkpoints,
        deadLetters,
        rules,
        name,
        feedback,
        clips);
  }

  public TopicNames withFeedback(String name) {
    return new TopicNames(
        frames,
        vocabulary,
        recognitions,
        labeledClips,
        checkpoints,
        deadLetters,
        rules,
        events,
        name,
        clips);
  }

  public TopicNames withClips(String name) {
    return new TopicNames(
        frames,
        vocabulary,
        recognitions,
        labeledClips,
        checkpoints,
        deadLetters,
        rules,
        events,
        feedback,
        name);
  }
}
