package io.openmede.world;

import java.util.List;

/**
 * The evaluation sets of the world (DESIGN.md §6). Each holds the same number of clips per action.
 */
public enum TestSet {
  /** Base actions, scenes drawn as in training (home scene with probability ρ). */
  BASE_IN_CONTEXT(Action.base(), Scene.Family.IN_CONTEXT, true),
  /** Novel actions, scenes drawn as in training (home scene with probability ρ). */
  NOVEL_IN_CONTEXT(Action.novel(), Scene.Family.IN_CONTEXT, true),
  /**
   * Base actions over never-seen scenes only, uniformly: a covariate-shift diagnostic (pixels that
   * nothing showed the model), not the test of static bias; see {@link #BASE_HELD_OUT}.
   */
  BASE_OUT_OF_CONTEXT(Action.base(), Scene.Family.OUT_OF_CONTEXT, true),
  /**
   * Novel actions over never-seen scenes only, uniformly: a covariate-shift diagnostic; see {@link
   * #NOVEL_HELD_OUT}.
   */
  NOVEL_OUT_OF_CONTEXT(Action.novel(), Scene.Family.OUT_OF_CONTEXT, true),
  /**
   * Every action's home scene without the actor, labelled with that action (like UCF-HAT): a model
   * free of static bias should give none of them an action with confidence.
   */
  SCENE_ONLY(List.of(Action.values()), Scene.Family.IN_CONTEXT, false),
  /**
   * Every action performed on the home scene of another action, drawn uniformly (like UCF-HAT's
   * actor on a foreign background): a model that follows the scene predicts the scene's home action
   * instead of what the actor does.
   */
  FOREIGN_HOME(List.of(Action.values()), Scene.Family.IN_CONTEXT, true),
  /**
   * Base actions over the scenes held out of video training, uniformly (SCUBA-like, world v3): the
   * pretraining stills show these scenes, no training video does.
   */
  BASE_HELD_OUT(Action.base(), Scene.Family.HELD_OUT, true),
  /**
   * Novel actions over the scenes held out of video training, uniformly (SCUBA-like, world v3): the
   * out-of-context test of static bias.
   */
  NOVEL_HELD_OUT(Action.novel(), Scene.Family.HELD_OUT, true);

  private final List<Action> actions;
  private final Scene.Family family;
  private final boolean actorVisible;

  TestSet(List<Action> actions, Scene.Family family, boolean actorVisible) {
    this.actions = actions;
    this.family = family;
    this.actorVisible = actorVisible;
  }

  /** The actions (labels) in this set, in declaration order. */
  public List<Action> actions() {
    return actions;
  }

  /** The scene family of this set. */
  public Scene.Family family() {
    return family;
  }

  /** Whether clips show the actor (false only for {@link #SCENE_ONLY}). */
  public boolean actorVisible() {
    return actorVisible;
  }
}
