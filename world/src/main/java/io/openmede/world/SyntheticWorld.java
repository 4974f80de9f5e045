package io.openmede.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The synthetic action world: renders clips of an actor performing an {@link Action} over a {@link
 * Scene}, and samples the training distribution and the test sets.
 *
 * <p><b>Determinism.</b> {@link #clip} depends only on the spec, T and the frame size; the sampling
 * methods depend only on their arguments and the world's settings (including its seed). The same
 * call gives byte-identical clips on any JVM.
 *
 * <p><b>Training distribution.</b> Actions uniformly from {@link Action#base()}; the scene is the
 * action's home scene with probability ρ, else one of the other 19 in-context scenes uniformly;
 * shape and colour uniformly. Held-out and never-seen scenes never occur. {@link
 * #everySceneTrainingSpecs} is the diagnostic oracle's distribution: every in-context and held-out
 * scene, independent of the action.
 *
 * <p>Immutable and thread-safe. Rendering a default clip (8 frames of 32×32) takes tens of
 * microseconds.
 */
public final class SyntheticWorld {
  private static final long TRAINING_STREAM = 0x747261696EL;
  private static final long TEST_STREAM = 0x74657374L;
  private static final long EVERY_SCENE_STREAM = 0x6576657279L;

  private final WorldSettings settings;

  /** A world with the given settings. */
  public SyntheticWorld(WorldSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** A world with {@link WorldSettings#defaults()}. */
  public static SyntheticWorld withDefaults() {
    return new SyntheticWorld(WorldSettings.defaults());
  }

  /** The settings this world was made with. */
  public WorldSettings settings() {
    return settings;
  }

  /** Renders the clip a spec describes, with T frames of the world's frame size. */
  public Clip clip(ClipSpec spec) {
    return clip(spec, settings.framesPerClip());
  }

  /** Renders the clip a spec describes with {@code frames} frames instead of T. */
  public Clip clip(ClipSpec spec, int frames) {
    if (frames < 1) {
      throw new IllegalArgumentException("a clip needs at least 1 frame, got " + frames);
    }
    int size = settings.frameSize();
    return new Clip(spec, ClipRenderer.render(spec, frames, size), size, size);
  }

  /** The specs of {@code n} training clips (see the class comment for the distribution). */
  public List<ClipSpec> trainingSpecs(int n, long seed) {
    requireCount(n, "training clips");
    SplitMix random =
        new SplitMix(SplitMix.mix(SplitMix.mix(settings.seed(), seed), TRAINING_STREAM));
    List<Action> actions = Action.base();
    List<ClipSpec> specs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      specs.add(inContextSpec(actions.get(random.nextInt(actions.size())), random));
    }
    return Collections.unmodifiableList(specs);
  }

  /**
   * The specs of {@code n} training clips of the diagnostic oracle: base actions uniformly, the
   * scene uniformly over every in-context and held-out scene (30), independent of the action;
   * never-seen scenes still never occur. Shape and colour uniformly.
   */
  public List<ClipSpec> everySceneTrainingSpecs(int n, long seed) {
    requireCount(n, "training clips");
    SplitMix random =
        new SplitMix(SplitMix.mix(SplitMix.mix(settings.seed(), seed), EVERY_SCENE_STREAM));
    List<Action> actions = Action.base();
    List<Scene> scenes = new ArrayList<>(Scene.inContext());
    scenes.addAll(Scene.heldOut());
    List<ClipSpec> specs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Action action = actions.get(random.nextInt(actions.size()));
      specs.add(actorSpec(action, scenes.get(random.nextInt(scenes.size())), random));
    }
    return Collections.unmodifiableList(specs);
  }

  /** {@link #everySceneTrainingSpecs}, rendered. */
  public List<Clip> everySceneTrainingClips(int n, long seed) {
    return render(everySceneTrainingSpecs(n, seed));
  }

  /** {@code n} rendered training clips: {@link #trainingSpecs} rendered with {@link #clip}. */
  public List<Clip> trainingClips(int n, long seed) {
    return render(trainingSpecs(n, seed));
  }

  /**
   * The specs of a test set: {@code clipsPerAction} clips for each of the set's actions,
   * action-major in declaration order. Disjoint in practice from training specs (other random
   * streams).
   */
  public List<ClipSpec> testSpecs(TestSet set, int clipsPerAction, long seed) {
    requireCount(clipsPerAction, "clips per action");
    SplitMix random =
        new SplitMix(
            SplitMix.mix(SplitMix.mix(settings.seed(), seed), TEST_STREAM + 31L * set.ordinal()));
    List<ClipSpec> specs = new ArrayList<>(clipsPerAction * set.actions().size());
    for (Action action : set.actions()) {
      for (int i = 0; i < clipsPerAction; i++) {
        ClipSpec spec;
        switch (set) {
          case BASE_IN_CONTEXT:
          case NOVEL_IN_CONTEXT:
            spec = inContextSpec(action, random);
            break;
          case BASE_OUT_OF_CONTEXT:
          case NOVEL_OUT_OF_CONTEXT:
            {
              List<Scene> scenes = Scene.outOfContext();
              Scene scene = scenes.get(random.nextInt(scenes.size()));
              spec = actorSpec(action, scene, random);
              break;
            }
          case BASE_HELD_OUT:
          case NOVEL_HELD_OUT:
            {
              List<Scene> scenes = Scene.heldOut();
              spec = actorSpec(action, scenes.get(random.nextInt(scenes.size())), random);
              break;
            }
          case SCENE_ONLY:
            spec = actorSpec(action, action.homeScene(), random).withoutActor();
            break;
          case FOREIGN_HOME:
            {
              Action[] all = Action.values();
              int other = random.nextInt(all.length - 1);
              Action host = all[other >= action.ordinal() ? other + 1 : other];
              spec = actorSpec(action, host.homeScene(), random);
              break;
            }
          default:
            throw new AssertionError(set);
        }
        specs.add(spec);
      }
    }
    return Collections.unmodifiableList(specs);
  }

  /** A rendered test set: {@link #testSpecs} rendered with {@link #clip}. */
  public List<Clip> testClips(TestSet set, int clipsPerAction, long seed) {
    return render(testSpecs(set, clipsPerAction, seed));
  }

  /** {@link TestSet#BASE_IN_CONTEXT}, rendered. */
  public List<Clip> baseInContext(int clipsPerAction, long seed) {
    return testClips(TestSet.BASE_IN_CONTEXT, clipsPerAction, seed);
  }

  /** {@link TestSet#NOVEL_IN_CONTEXT}, rendered. */
  public List<Clip> novelInContext(int clipsPerAction, long seed) {
    return testClips(TestSet.NOVEL_IN_CONTEXT, clipsPerAction, seed);
  }

  /** {@link TestSet#NOVEL_OUT_OF_CONTEXT}, rendered (never-seen scenes: covariate shift). */
  public List<Clip> novelOutOfContext(int clipsPerAction, long seed) {
    return testClips(TestSet.NOVEL_OUT_OF_CONTEXT, clipsPerAction, seed);
  }

  /** {@link TestSet#NOVEL_HELD_OUT}, rendered (like UCF-SCUBA). */
  public List<Clip> novelHeldOut(int clipsPerAction, long seed) {
    return testClips(TestSet.NOVEL_HELD_OUT, clipsPerAction, seed);
  }

  /** {@link TestSet#SCENE_ONLY}, rendered (like UCF-HAT). */
  public List<Clip> sceneOnly(int clipsPerAction, long seed) {
    return testClips(TestSet.SCENE_ONLY, clipsPerAction, seed);
  }

  /**
   * An in-context spec for {@code action}: home scene with probability ρ, else another in-context
   * scene uniformly; shape, colour and clip seed uniformly.
   */
  ClipSpec inContextSpec(Action action, SplitMix random) {
    Scene scene = action.homeScene();
    if (random.nextDouble() >= settings.homeSceneProbability()) {
      List<Scene> scenes = Scene.inContext();
      int other = random.nextInt(scenes.size() - 1);
      int home = scenes.indexOf(scene);
      scene = scenes.get(other >= home ? other + 1 : other);
    }
    return actorSpec(action, scene, random);
  }

  static ClipSpec actorSpec(Action action, Scene scene, SplitMix random) {
    Shape[] shapes = Shape.values();
    ActorColour[] colours = ActorColour.values();
    Shape shape = shapes[random.nextInt(shapes.length)];
    ActorColour colour = colours[random.nextInt(colours.length)];
    return ClipSpec.of(action, shape, colour, scene, random.nextLong());
  }

  private List<Clip> render(List<ClipSpec> specs) {
    List<Clip> clips = new ArrayList<>(specs.size());
    for (ClipSpec spec : specs) {
      clips.add(clip(spec));
    }
    return Collections.unmodifiableList(clips);
  }

  private static void requireCount(int n, String what) {
    if (n < 0) {
      throw new IllegalArgumentException("number of " + what + " must be >= 0, got " + n);
    }
  }
}
