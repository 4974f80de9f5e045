package io.openmede.world;

/**
 * The colour of the actor: saturated colours that stand out against the muted in-context scenes.
 * The actor is drawn with a darker outline of its own colour.
 */
public enum ActorColour {
  RED("red", 225, 35, 35),
  ORANGE("orange", 250, 145, 20),
  YELLOW("yellow", 245, 225, 40),
  WHITE("white", 245, 245, 245),
  MAGENTA("magenta", 225, 45, 205),
  CYAN("cyan", 45, 225, 235);

  private final String word;
  private final int red;
  private final int green;
  private final int blue;

  ActorColour(String word, int red, int green, int blue) {
    this.word = word;
    this.red = red;
    this.green = green;
    this.blue = blue;
  }

  /** The adjective used in captions, for example {@code "red"}. */
  public String word() {
    return word;
  }

  /** Red channel, 0–255. */
  public int red() {
    return red;
  }

  /** Green channel, 0–255. */
  public int green() {
    return green;
  }

  /** Blue channel, 0–255. */
  public int blue() {
    return blue;
  }
}
