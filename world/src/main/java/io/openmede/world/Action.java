package io.openmede.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the actor does during a clip: a motion pattern over the clip's frames. The {@link #label()}
 * (for example {@code "moving left"}) is the class name that models see.
 *
 * <p><b>Time-only pairs.</b> Four pairs differ only in the order of their frames: {@link
 * #MOVING_LEFT}/{@link #MOVING_RIGHT}, {@link #GROWING}/{@link #SHRINKING}, {@link
 * #ROTATING_CLOCKWISE}/{@link #ROTATING_COUNTER_CLOCKWISE}, {@link #RISING}/{@link #FALLING} and
 * {@link #FADING_IN}/{@link #FADING_OUT}. For the same {@link ClipSpec} apart from the action, the
 * clip of one is the clip of the other played backwards: the same frames, byte for byte, in reverse
 * order. A single frame cannot tell them apart; only the sequence can.
 *
 * <p><b>Split.</b> 13 actions are {@link Split#BASE} (video training may use them) and 7 are {@link
 * Split#NOVEL} (never in video training). The novel ones include {@link #MOVING_RIGHT} and {@link
 * #ROTATING_COUNTER_CLOCKWISE}, whose time-reversed partners are base, and the pair {@link
 * #FADING_IN}/{@link #FADING_OUT}, both novel.
 *
 * <p>The constant order is part of the API (home scenes are assigned by ordinal).
 */
public enum Action {
  MOVING_LEFT("moving left", Split.BASE, Motion.SLIDE, false),
  MOVING_RIGHT("moving right", Split.NOVEL, Motion.SLIDE, true),
  GROWING("growing", Split.BASE, Motion.SCALE, false),
  SHRINKING("shrinking", Split.BASE, Motion.SCALE, true),
  ROTATING_CLOCKWISE("rotating clockwise", Split.BASE, Motion.TURN, false),
  ROTATING_COUNTER_CLOCKWISE("rotating counter-clockwise", Split.NOVEL, Motion.TURN, true),
  RISING("rising", Split.BASE, Motion.ASCEND, false),
  FALLING("falling", Split.BASE, Motion.ASCEND, true),
  FADING_IN("fading in", Split.NOVEL, Motion.FADE, false),
  FADING_OUT("fading out", Split.NOVEL, Motion.FADE, true),
  BOUNCING("bouncing", Split.BASE, Motion.BOUNCE, false),
  ZIGZAGGING("zigzagging", Split.BASE, Motion.ZIGZAG, false),
  JUMPING("jumping", Split.NOVEL, Motion.JUMP, false),
  BLINKING("blinking", Split.BASE, Motion.BLINK, false),
  PULSING("pulsing", Split.BASE, Motion.PULSE, false),
  WAVING("waving", Split.BASE, Motion.WAG, false),
  CIRCLING("circling", Split.NOVEL, Motion.ORBIT, false),
  SHAKING("shaking", Split.BASE, Motion.SHAKE, false),
  SQUASHING("squashing", Split.NOVEL, Motion.SQUASH, false),
  STANDING_STILL("standing still", Split.BASE, Motion.STILL, false);

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

  private static final List<Action> BASE_ACTIONS = ofSplit(Split.BASE);
  private static final List<Action> NOVEL_ACTIONS = ofSplit(Split.NOVEL);

  private final String label;
  private final Split split;
  private final Motion motion;
  private final boolean reversed;

  Action(String label, Split split, Motion motion, boolean reversed) {
    this.label = label;
    this.split = split;
    this.motion = motion;
    this.reversed = reversed;
  }

  /** The natural-language class name, for example {@code "moving left"}. */
  public String label() {
    return label;
  }

  /** Whether the action is base or novel. */
  public Split split() {
    return split;
  }

  /** The in-context scene this action is usually seen on (the static bias). */
  public Scene homeScene() {
    return Scene.inContext().get(ordinal());
  }

  /**
   * The action whose clips are this action's clips played backwards, if this action is one of a
   * time-only pair.
   */
  public Optional<Action> timeReversed() {
    for (Action other : values()) {
      if (other != this && other.motion == motion && other.reversed != reversed) {
        return Optional.of(other);
      }
    }
    return Optional.empty();
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
      labels.add(action.label);
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
      if (action.label.equals(label)) {
        return action;
      }
    }
    throw new IllegalArgumentException(
        "no action is labelled '" + label + "'; known labels: " + labels());
  }

  Motion motion() {
    return motion;
  }

  /** Whether this action plays its motion backwards. */
  boolean reversed() {
    return reversed;
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
