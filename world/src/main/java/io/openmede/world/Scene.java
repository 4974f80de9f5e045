package io.openmede.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The static background of a clip: a pattern in two tones of one palette (scenes are patterns ×
 * palettes). Scenes come in three families (world v3):
 *
 * <ul>
 *   <li>{@linkplain Family#IN_CONTEXT in-context}: the world's everyday backgrounds; each action
 *       has one of them as its home scene, and training videos are drawn from them only.
 *   <li>{@linkplain Family#HELD_OUT held out of video training} (the SCUBA-like set): the
 *       in-context patterns in five other palettes, toned into the in-context luminance band (dark
 *       tone at luminance {@value #DARK_LUMINANCE}, light at {@value #LIGHT_LUMINANCE}, the means
 *       of the in-context palettes) with at least {@value #MIN_ACTOR_CONTRAST} of RGB distance
 *       between every actor colour and either tone. Pretraining stills show them (an actor on them,
 *       and the bare scene), training videos never do: like UCF-SCUBA's backgrounds, which CLIP has
 *       seen, only their pairing with the action is new.
 *   <li>{@linkplain Family#OUT_OF_CONTEXT never seen} (world v2's out-of-context set): textures and
 *       colours that neither training videos nor the caption corpus show, brighter than the
 *       in-context band, with less actor contrast. A covariate-shift diagnostic (unfamiliar
 *       pixels), not the test of the static-bias claim.
 * </ul>
 *
 * <p>The constant order is part of the API: {@link Action#homeScene()} maps the action with ordinal
 * i to the in-context scene with ordinal i.
 */
enum Scene {
  BLUE_STRIPED(Family.IN_CONTEXT, Pattern.STRIPES, "blue", 0x28408C, 0x6E8CD2),
  GREEN_BARRED(Family.IN_CONTEXT, Pattern.BARS, "green", 0x1E6432, 0x5AA56E),
  BROWN_SLANTED(Family.IN_CONTEXT, Pattern.SLANTED, "brown", 0x643C1E, 0xA0733F),
  PURPLE_CHECKERED(Family.IN_CONTEXT, Pattern.CHECKER, "purple", 0x50286E, 0x9264B4),
  GREY_DOTTED(Family.IN_CONTEXT, Pattern.DOTS, "grey", 0x464646, 0x8C8C8C),
  TEAL_GRADIENT(Family.IN_CONTEXT, Pattern.GRADIENT, "teal", 0x0F4B4B, 0x50A0A0),
  OLIVE_GLOWING(Family.IN_CONTEXT, Pattern.GLOW, "olive", 0x46461A, 0x9B9B4B),
  NAVY_GRIDDED(Family.IN_CONTEXT, Pattern.GRID, "navy", 0x0F1946, 0x4B5A9B),
  MAROON_WAVY(Family.IN_CONTEXT, Pattern.WAVES, "maroon", 0x5A141E, 0x9B4650),
  BEIGE_SPECKLED(Family.IN_CONTEXT, Pattern.SPECKLES, "beige", 0x9B9178, 0xD2C8AA),
  PURPLE_STRIPED(Family.IN_CONTEXT, Pattern.STRIPES, "purple", 0x50286E, 0x9264B4),
  GREY_BARRED(Family.IN_CONTEXT, Pattern.BARS, "grey", 0x464646, 0x8C8C8C),
  TEAL_SLANTED(Family.IN_CONTEXT, Pattern.SLANTED, "teal", 0x0F4B4B, 0x50A0A0),
  OLIVE_CHECKERED(Family.IN_CONTEXT, Pattern.CHECKER, "olive", 0x46461A, 0x9B9B4B),
  NAVY_DOTTED(Family.IN_CONTEXT, Pattern.DOTS, "navy", 0x0F1946, 0x4B5A9B),
  MAROON_GRADIENT(Family.IN_CONTEXT, Pattern.GRADIENT, "maroon", 0x5A141E, 0x9B4650),
  BEIGE_GLOWING(Family.IN_CONTEXT, Pattern.GLOW, "beige", 0x9B9178, 0xD2C8AA),
  BLUE_GRIDDED(Family.IN_CONTEXT, Pattern.GRID, "blue", 0x28408C, 0x6E8CD2),
  GREEN_WAVY(Family.IN_CONTEXT, Pattern.WAVES, "green", 0x1E6432, 0x5AA56E),
  BROWN_SPECKLED(Family.IN_CONTEXT, Pattern.SPECKLES, "brown", 0x643C1E, 0xA0733F),
  LIME_BRICK(Family.OUT_OF_CONTEXT, Pattern.BRICKS, "lime", 0x6E9B14, 0xB4E65A),
  PINK_RINGED(Family.OUT_OF_CONTEXT, Pattern.RINGS, "pink", 0xC86E8C, 0xF5B4C8),
  SAND_PLAID(Family.OUT_OF_CONTEXT, Pattern.PLAID, "sand", 0xB4965A, 0xEBD7A0),
  LAVENDER_MARBLED(Family.OUT_OF_CONTEXT, Pattern.MARBLE, "lavender", 0x8278B4, 0xC8C3F0),
  MINT_SCALED(Family.OUT_OF_CONTEXT, Pattern.SCALES, "mint", 0x5AAA8C, 0xAAF0D2),
  RUST_CLOUDY(Family.OUT_OF_CONTEXT, Pattern.CLOUDS, "rust", 0x8C3C14, 0xD27841),
  SLATE_STRIPED(Pattern.STRIPES, "slate", 0x5A6E82),
  SLATE_GLOWING(Pattern.GLOW, "slate", 0x5A6E82),
  JADE_BARRED(Pattern.BARS, "jade", 0x2E8B6E),
  JADE_GRIDDED(Pattern.GRID, "jade", 0x2E8B6E),
  COCOA_SLANTED(Pattern.SLANTED, "cocoa", 0x7B5A50),
  COCOA_WAVY(Pattern.WAVES, "cocoa", 0x7B5A50),
  MOSS_CHECKERED(Pattern.CHECKER, "moss", 0x5F783C),
  MOSS_SPECKLED(Pattern.SPECKLES, "moss", 0x5F783C),
  STEEL_DOTTED(Pattern.DOTS, "steel", 0x466E96),
  STEEL_GRADIENT(Pattern.GRADIENT, "steel", 0x466E96);

  /** Luminance (Rec. 601, 0–255) of a held-out palette's dark tone: the in-context mean. */
  static final double DARK_LUMINANCE = 67;

  /** Luminance of a held-out palette's light tone: the in-context mean. */
  static final double LIGHT_LUMINANCE = 133;

  /**
   * Least RGB distance (0–255 per channel, Euclidean) between any actor colour and either tone of a
   * held-out scene: the in-context scenes' own least (maroon against a red actor, about 90).
   */
  static final double MIN_ACTOR_CONTRAST = 90;

  /** Which family a scene belongs to. */
  public enum Family {
    /** Everyday scenes: home scenes of the actions, the only scenes of training clips. */
    IN_CONTEXT,
    /**
     * Never seen: textures and colours that neither training videos nor the caption corpus show
     * (world v2's out-of-context set); a covariate-shift diagnostic.
     */
    OUT_OF_CONTEXT,
    /**
     * Held out of video training only: shown by pretraining stills, never by a training video (the
     * SCUBA-like set of world v3).
     */
    HELD_OUT
  }

  private static final List<Scene> IN_CONTEXT_SCENES = ofFamily(Family.IN_CONTEXT);
  private static final List<Scene> OUT_OF_CONTEXT_SCENES = ofFamily(Family.OUT_OF_CONTEXT);
  private static final List<Scene> HELD_OUT_SCENES = ofFamily(Family.HELD_OUT);

  private final Family family;
  private final Pattern pattern;
  private final String colourWord;
  private final int dark;
  private final int light;

  Scene(Family family, Pattern pattern, String colourWord, int dark, int light) {
    this.family = family;
    this.pattern = pattern;
    this.colourWord = colourWord;
    this.dark = dark;
    this.light = light;
  }

  /** A held-out scene: {@code hue} toned to the in-context band (see the class comment). */
  Scene(Pattern pattern, String colourWord, int hue) {
    this(
        Family.HELD_OUT,
        pattern,
        colourWord,
        toned(hue, DARK_LUMINANCE),
        toned(hue, LIGHT_LUMINANCE));
  }

  /** The scene's family. */
  public Family family() {
    return family;
  }

  /** The phrase used in captions, for example {@code "blue striped background"}. */
  public String description() {
    return colourWord + " " + pattern.word() + " background";
  }

  /** The in-context scenes, in declaration order (20 of them). */
  public static List<Scene> inContext() {
    return IN_CONTEXT_SCENES;
  }

  /** The never-seen scenes (world v2's out-of-context set), in declaration order (6 of them). */
  public static List<Scene> outOfContext() {
    return OUT_OF_CONTEXT_SCENES;
  }

  /**
   * The scenes held out of video training (shown by pretraining stills only), in declaration order
   * (10 of them: 5 palettes × 2 in-context patterns).
   */
  public static List<Scene> heldOut() {
    return HELD_OUT_SCENES;
  }

  /** Rec. 601 luminance of a 0xRRGGBB colour, 0–255. */
  static double luminance(int rgb) {
    return 0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF);
  }

  /**
   * {@code hue} scaled so that its luminance is {@code target} (channels rounded; a hue whose
   * scaled channel would pass 255 is refused, since clipping would leave the band).
   */
  static int toned(int hue, double target) {
    double f = target / luminance(hue);
    int out = 0;
    for (int shift = 16; shift >= 0; shift -= 8) {
      long c = Math.round(((hue >> shift) & 0xFF) * f);
      if (c > 255) {
        throw new IllegalArgumentException(
            String.format(
                "hue %06X cannot be toned to luminance %.0f without clipping; choose a darker or"
                    + " less saturated hue",
                hue, target));
      }
      out |= (int) c << shift;
    }
    return out;
  }

  /**
   * Least RGB distance (Euclidean, 0–255 per channel) between {@code actor} and either tone of this
   * scene: how well the actor stands out at worst.
   */
  double contrastWith(ActorColour actor) {
    return Math.min(distance(dark, actor), distance(light, actor));
  }

  private static double distance(int rgb, ActorColour a) {
    double dr = ((rgb >> 16) & 0xFF) - a.red();
    double dg = ((rgb >> 8) & 0xFF) - a.green();
    double db = (rgb & 0xFF) - a.blue();
    return Math.sqrt(dr * dr + dg * dg + db * db);
  }

  Pattern pattern() {
    return pattern;
  }

  /** The dark tone as 0xRRGGBB. */
  int dark() {
    return dark;
  }

  /** The light tone as 0xRRGGBB. */
  int light() {
    return light;
  }

  private static List<Scene> ofFamily(Family family) {
    List<Scene> scenes = new ArrayList<>();
    for (Scene scene : values()) {
      if (scene.family == family) {
        scenes.add(scene);
      }
    }
    return Collections.unmodifiableList(scenes);
  }
}
