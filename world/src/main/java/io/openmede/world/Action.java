package io.openmede.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What the actor does during a clip: a {@link Rhythm} (how it looks from frame to frame) along a
 * {@link Path} (where it goes). The {@link #label()}, {@code "<rhythm> <path>"} (for example {@code
 * "blinking in a circle"}), is the class name that models see.
 *
 * <p><b>Solvable without the order of frames.</b> The world's learner (an Open-VCLIP-style CLIP
 * video model) has no notion of frame order: its embedding of a clip played backwards equals the
 * embedding of the clip. So no two actions differ only in time direction: the direction along a
 * path (left or right, up or down, clockwise or not) and of a spin is drawn at random per clip,
 * within the class; what tells actions apart is the set of poses (positions on the path, sizes,
 * visibility, orientations), which an order-free learner can see.
 *
 * <p><b>Split.</b> 13 actions are {@link Split#BASE} (video training may use them) and 7 are {@link
 * Split#NOVEL} (never in video training). Every novel action is a new combination of a rhythm and a
 * path that base actions also show (each rhythm and each path is in at least two base actions), so
 * transfer from base to novel is possible, as in the paper's datasets, where novel actions share
 * motion with base ones.
 *
 * <p>The constant order is part of the API (home scenes are assigned by ordinal).
 */
public enum Action {
  GLIDING_ACROSS(Rhythm.GLIDING, Path.ACROSS, Split.BASE),
  GLIDING_UP_AND_DOWN(Rhythm.GLIDING, Path.UP_AND_DOWN, Split.NOVEL),
  GLIDING_IN_A_CIRCLE(Rhythm.GLIDING, Path.IN_A_CIRCLE, Split.BASE),
  GLIDING_DIAGONALLY(Rhythm.GLIDING, Path.DIAGONALLY, Split.BASE),
  GLIDING_IN_PLACE(Rhythm.GLIDING, Path.IN_PLACE, Split.BASE),
  BLINKING_ACROSS(Rhythm.BLINKING, Path.ACROSS, Split.NOVEL),
  BLINKING_UP_AND_DOWN(Rhythm.BLINKING, Path.UP_AND_DOWN, Split.BASE),
  BLINKING_IN_A_CIRCLE(Rhythm.BLINKING, Path.IN_A_CIRCLE, Split.NOVEL),
  BLINKING_DIAGONALLY(Rhythm.BLINKING, Path.DIAGONALLY, Split.BASE),
  BLINKING_IN_PLACE(Rhythm.BLINKING, Path.IN_PLACE, Split.BASE),
  PULSING_ACROSS(Rhythm.PULSING, Path.ACROSS, Split.BASE),
  PULSING_UP_AND_DOWN(Rhythm.PULSING, Path.UP_AND_DOWN, Split.BASE),
  PULSING_IN_A_CIRCLE(Rhythm.PULSING, Path.IN_A_CIRCLE, Split.BASE),
  PULSING_DIAGONALLY(Rhythm.PULSING, Path.DIAGONALLY, Split.NOVEL),
  PULSING_IN_PLACE(Rhythm.PULSING, Path.IN_PLACE, Split.NOVEL),
  SPINNING_ACROSS(Rhythm.SPINNING, Path.ACROSS, Split.NOVEL),
  SPINNING_UP_AND_DOWN(Rhythm.SPINNING, Path.UP_AND_DOWN, Split.BASE),
  SPINNING_IN_A_CIRCLE(Rhythm.SPINNING, Path.IN_A_CIRCLE, Split.BASE),
  SPINNING_DIAGONALLY(Rhythm.SPINNING, Path.DIAGONALLY, Split.BASE),
  SPINNING_IN_PLACE(Rhythm.SPINNING, Path.IN_PLACE, Split.NOVEL);

  /** Whether an action may be used in video training. */
  public enum Split {
    /** Seen in video training. */
    BASE,
    /** Never in video training; only the caption corpus and the tests show it. */
    NOVEL;

    /** Lower-case tag, {@code "base"} or {@code "novel"}, as used in {@code LabeledClip.split}. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How the actor looks from frame to frame. */
  public enum Rhythm {
    /** The same size, orientation and visibility in every frame. */
    GLIDING("gliding"),
    /** Visible in every other frame only. */
    BLINKING("blinking"),
    /** Small and large in turn. */
    PULSING("pulsing"),
    /** Turning a quarter turn and more from frame to frame (either way). */
    SPINNING("spinning");

    private final String word;

    Rhythm(String word) {
      this.word = word;
    }

    /** The word in labels and captions. */
    public String word() {
      return word;
    }
  }

  /** Where the actor goes over the clip (either way along it). */
  public enum Path {
    /** A horizontal line across the frame. */
    ACROSS("across"),
    /** A vertical line through the frame. */
    UP_AND_DOWN("up and down"),
    /** Most of a circle around the frame's centre. */
    IN_A_CIRCLE("in a circle"),
    /** A diagonal of the frame. */
    DIAGONALLY("diagonally"),
    /** One spot. */
    IN_PLACE("in place");

    private final String phrase;

    Path(String phrase) {
      this.phrase = phrase;
    }

    /** The phrase in labels and captions. */
    public String phrase() {
      return phrase;
    }
  }

  private static final List<Action> BASE_ACTIONS = ofSplit(Split.BASE);
  private static final List<Action> NOVEL_ACTIONS = ofSplit(Split.NOVEL);

  private final Rhythm rhythm;
  private final Path path;
  private final Split split;

  Action(Rhythm rhythm, Path path, Split split) {
    this.rhythm = rhythm;
    this.path = path;
    this.split = split;
  }

  /** The natural-language class name, for example {@code "blinking in a circle"}. */
  public String label() {
    return rhythm.word() + " " + path.phrase();
  }

  /** Whether the action is base or novel. */
  public Split split() {
    return split;
  }

  /** How the actor looks from frame to frame. */
  public Rhythm rhythm() {
    return rhythm;
  }

  /** Where the actor goes. */
  public Path path() {
    return path;
  }

  /** The in-context scene this action is usually seen on (the static bias). */
  public Scene homeScene() {
    return Scene.inContext().get(ordinal());
  }

  /** The base actions in declaration order (13). */
  public static List<Action> base() {
    return BASE_ACTIONS;
  }

  /** The novel actions in declaration order (7). */
  public static List<Action> novel() {
    return NOVEL_ACTIONS;
  }

  /** All actions' labels in declaration order, as a class-name vocabulary. */
  public static List<String> labels() {
    List<String> labels = new ArrayList<>();
    for (Action action : values()) {
      labels.add(action.label());
    }
    return Collections.unmodifiableList(labels);
  }

  /**
   * The action with the given label.
   *
   * @throws IllegalArgumentException if no action has that label; the message lists them all
   */
  public static Action forLabel(String label) {
    for (Action action : values()) {
      if (action.label().equals(label)) {
        return action;
      }
    }
    throw new IllegalArgumentException(
        "no action is labelled '" + label + "'; known labels: " + labels());
  }

  private static List<Action> ofSplit(Split split) {
    List<Action> actions = new ArrayList<>();
    for (Action action : values()) {
      if (action.split == split) {
        actions.add(action);
      }
    }
    return Collections.unmodifiableList(actions);
  }
}
