package io.openmede.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The world's stand-in for web image–text pairs: still images with captions naming the actor, its
 * colour, the action and the scene, for example {@code "a photo of a red disc moving left on a blue
 * striped background"}. Unlike video training, the corpus covers <em>every</em> action, novel ones
 * included, as the web covers actions that a video dataset lacks; pretraining the {@code tiny} CLIP
 * on it teaches its text tower every action name.
 *
 * <p><b>How a still shows motion.</b> One frame cannot show an action (a blinking actor may be
 * absent from it, a spinning one looks still). A {@link Style#MOTION_TRAIL} still is therefore a
 * chronophotograph of the clip: the scene, then ghosts of the actor's earlier poses, oldest first,
 * with opacity {@value #GHOST_OPACITY}·{@value #GHOST_DECAY}^(age−1) for a pose {@code age} frames
 * old, then the actor's last pose on top, exactly as in the clip's last frame. The trail shows the
 * path (a line across, up and down, diagonal, an arc, or one spot) and the rhythm: a blinking actor
 * leaves a dashed trail, a pulsing one ghosts of two sizes, a spinning one ghosts of its dark mark
 * at many angles. A {@link Style#SINGLE_FRAME} still is one frame of the clip.
 *
 * <p><b>Distribution.</b> Item i shows action {@code Action.values()[i % 20]}, so any {@code n >=
 * 20} covers every action; scenes follow the in-context distribution (home scene with probability
 * ρ, else another in-context scene), so the corpus carries the same static bias as the videos (the
 * world's ρ: build the corpus from a world with another ρ for more or less bias); never-seen scenes
 * never occur. Shape, colour and clip seed are uniform.
 *
 * <p><b>World v3.</b> A corpus made with a held-out share h and a bare share b ({@link
 * #CaptionCorpus(SyntheticWorld, double, double)}) also shows the scenes held out of video training
 * ({@link Scene#heldOut()}): with probability h a still's scene is one of them uniformly (the actor
 * still performs item i's action, so held-out scenes carry every action), and with probability b
 * the still shows the scene alone, captioned {@code "a photo of a slate striped background"}. With
 * h = b = 0 the corpus is world v2's, still for still (the bundled weights' corpus).
 *
 * <p>Immutable and thread-safe.
 */
public final class CaptionCorpus {
  /** Opacity of the newest ghost (one frame old) in a motion-trail still. */
  public static final double GHOST_OPACITY = 0.55;

  /** Opacity ratio between a ghost and the next older one in a motion-trail still. */
  public static final double GHOST_DECAY = 0.7;

  private static final long CAPTION_STREAM = 0x63617074L;

  /** How a still depicts its clip. */
  public enum Style {
    /** The last pose over ghosts of the earlier ones, fading towards the past (the default). */
    MOTION_TRAIL,
    /** One frame of the clip, chosen by the clip's seed. */
    SINGLE_FRAME
  }

  private final SyntheticWorld world;
  private final double heldOutShare;
  private final double bareShare;

  /** World v2's corpus drawn from {@code world} (its T, frame size, ρ and seed). */
  public CaptionCorpus(SyntheticWorld world) {
    this(world, 0, 0);
  }

  /**
   * A world v3 corpus (see the class comment).
   *
   * @param heldOutShare share of stills on a held-out scene, in [0, 1]
   * @param bareShare share of stills that show the scene alone, in [0, 1]
   */
  public CaptionCorpus(SyntheticWorld world, double heldOutShare, double bareShare) {
    this.world = Objects.requireNonNull(world, "world");
    if (!(heldOutShare >= 0 && heldOutShare <= 1)) {
      throw new IllegalArgumentException(
          "held-out scene share " + heldOutShare + " is outside [0, 1]");
    }
    if (!(bareShare >= 0 && bareShare <= 1)) {
      throw new IllegalArgumentException("bare-scene share " + bareShare + " is outside [0, 1]");
    }
    this.heldOutShare = heldOutShare;
    this.bareShare = bareShare;
  }

  /** {@code n} motion-trail stills; every action occurs when {@code n >= 20}. */
  public List<CaptionedStill> stills(int n, long seed) {
    return stills(n, seed, Style.MOTION_TRAIL);
  }

  /** {@code n} stills of the given style; every action occurs when {@code n >= 20}. */
  public List<CaptionedStill> stills(int n, long seed, Style style) {
    if (n < 0) {
      throw new IllegalArgumentException("number of stills must be >= 0, got " + n);
    }
    SplitMix random =
        new SplitMix(SplitMix.mix(SplitMix.mix(world.settings().seed(), seed), CAPTION_STREAM));
    Action[] actions = Action.values();
    List<CaptionedStill> stills = new ArrayList<>(n);
    boolean v3 = heldOutShare > 0 || bareShare > 0;
    List<Scene> heldOut = Scene.heldOut();
    for (int i = 0; i < n; i++) {
      Action action = actions[i % actions.length];
      if (!v3) {
        // world v2: no other draws, so that the bundled weights' corpus stays still for still
        stills.add(still(world.inContextSpec(action, random), style));
        continue;
      }
      ClipSpec spec =
          random.nextDouble() < heldOutShare
              ? SyntheticWorld.actorSpec(
                  action, heldOut.get(random.nextInt(heldOut.size())), random)
              : world.inContextSpec(action, random);
      if (random.nextDouble() < bareShare) {
        spec = spec.withoutActor();
      }
      stills.add(still(spec, style));
    }
    return Collections.unmodifiableList(stills);
  }

  /** The still of one clip. */
  public CaptionedStill still(ClipSpec spec, Style style) {
    int frames = world.settings().framesPerClip();
    int size = world.settings().frameSize();
    byte[] rgb;
    if (style == Style.SINGLE_FRAME) {
      int index = (int) Long.remainderUnsigned(SplitMix.mix(spec.seed(), 3), frames);
      rgb = world.clip(spec).frames().get(index);
    } else {
      rgb = ClipRenderer.trail(spec, frames, size, GHOST_OPACITY, GHOST_DECAY);
    }
    return new CaptionedStill(spec, caption(spec), rgb, size, size);
  }

  /**
   * The caption of a spec: {@code "a photo of a red disc moving left on a blue striped
   * background"}, or for a clip without actor {@code "a photo of a blue striped background"}.
   */
  public static String caption(ClipSpec spec) {
    String scene = withArticle(spec.scene().description());
    if (!spec.actorVisible()) {
      return "a photo of " + scene;
    }
    return "a photo of "
        + withArticle(spec.colour().word() + " " + spec.shape().word())
        + " "
        + spec.action().label()
        + " on "
        + scene;
  }

  private static String withArticle(String phrase) {
    return ("aeiou".indexOf(phrase.charAt(0)) >= 0 ? "an " : "a ") + phrase;
  }
}
