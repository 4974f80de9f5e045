package io.openmede.world;

import java.util.Objects;
import java.util.Optional;

/**
 * Everything that determines a clip: {@link SyntheticWorld#clip} renders the same bytes for the
 * same spec and world settings, on any JVM. The seed fixes the clip's remaining free choices (start
 * position, size, orientation, direction along the path and of a spin, texture phase).
 *
 * @param action what the actor does; for a clip without actor, the label the clip carries
 * @param shape the actor's shape
 * @param colour the actor's colour
 * @param scene the background
 * @param actorVisible false for scene-only clips (like UCF-HAT): the background alone
 * @param seed the clip's seed
 */
public record ClipSpec(
    Action action, Shape shape, ActorColour colour, Scene scene, boolean actorVisible, long seed) {

  /** Checks that no component is null. */
  public ClipSpec {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(colour, "colour");
    Objects.requireNonNull(scene, "scene");
  }

  /** A clip of the actor doing {@code action} over {@code scene}. */
  public static ClipSpec of(
      Action action, Shape shape, ActorColour colour, Scene scene, long seed) {
    return new ClipSpec(action, shape, colour, scene, true, seed);
  }

  /** This spec with another action (same actor, scene and seed). */
  public ClipSpec withAction(Action other) {
    return new ClipSpec(other, shape, colour, scene, actorVisible, seed);
  }

  /** This spec with another scene. */
  public ClipSpec withScene(Scene other) {
    return new ClipSpec(action, shape, colour, other, actorVisible, seed);
  }

  /** This spec with the actor removed: the scene alone, still labelled with {@link #action}. */
  public ClipSpec withoutActor() {
    return new ClipSpec(action, shape, colour, scene, false, seed);
  }

  /** The action whose home scene this clip's scene is; empty for an out-of-context scene. */
  public Optional<Action> sceneHomeAction() {
    for (Action a : Action.values()) {
      if (a.homeScene() == scene) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** Whether the scene belongs to the never-seen family (neither training videos nor stills). */
  public boolean outOfContext() {
    return scene.family() == Scene.Family.OUT_OF_CONTEXT;
  }

  /** Whether the scene is held out of video training (shown by pretraining stills only). */
  public boolean heldOut() {
    return scene.family() == Scene.Family.HELD_OUT;
  }

  /** Whether the scene is the action's home scene. */
  public boolean isHomeScene() {
    return scene == action.homeScene();
  }

  /**
   * A short, stable description for logs and the {@code source} field of labeled clips, for example
   * {@code "synthetic:GLIDING_ACROSS/RED/DISC/BLUE_STRIPED/seed=42"}.
   */
  public String describe() {
    return "synthetic:"
        + action
        + "/"
        + (actorVisible ? colour + "/" + shape : "no-actor")
        + "/"
        + scene
        + "/seed="
        + seed;
  }
}
