package io.openmede.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The static background of a clip: a texture in two tones of one colour. Scenes come in two
 * families. The {@linkplain Family#IN_CONTEXT in-context} scenes are the world's everyday
 * backgrounds: each action has one of them as its home scene, and training clips are drawn from
 * them only. The {@linkplain Family#OUT_OF_CONTEXT out-of-context} scenes use textures and colours
 * that no in-context scene has and never occur in training clips, like the underwater backgrounds
 * of UCF-SCUBA.
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
  RUST_CLOUDY(Family.OUT_OF_CONTEXT, Pattern.CLOUDS, "rust", 0x8C3C14, 0xD27841);

  /** Which family a scene belongs to. */
  public enum Family {
    /** Everyday scenes: home scenes of the actions, the only scenes of training clips. */
    IN_CONTEXT,
    /** Unusual scenes that never occur in training clips (like UCF-SCUBA). */
    OUT_OF_CONTEXT
  }

  private static final List<Scene> IN_CONTEXT_SCENES = ofFamily(Family.IN_CONTEXT);
  private static final List<Scene> OUT_OF_CONTEXT_SCENES = ofFamily(Family.OUT_OF_CONTEXT);

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

  /** The out-of-context scenes, in declaration order (6 of them). */
  public static List<Scene> outOfContext() {
    return OUT_OF_CONTEXT_SCENES;
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
