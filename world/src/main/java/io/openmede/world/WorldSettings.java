package io.openmede.world;

/**
 * The size and statistics of a synthetic world.
 *
 * @param framesPerClip frames per clip T (at least 2: time-only pairs need an order)
 * @param frameSize width and height of every (square) frame in pixels, 8 to 1024
 * @param homeSceneProbability ρ: the probability that an in-context clip shows its action's home
 *     scene rather than another in-context scene, in [0, 1]
 * @param seed the world's seed, mixed into every sampled set (training clips, test sets, captions,
 *     camera streams) so that two worlds with different seeds sample different clips; {@link
 *     SyntheticWorld#clip} itself depends only on its spec
 */
public record WorldSettings(
    int framesPerClip, int frameSize, double homeSceneProbability, long seed) {

  /** Default frames per clip T. */
  public static final int DEFAULT_FRAMES_PER_CLIP = 8;

  /** Default frame size in pixels. */
  public static final int DEFAULT_FRAME_SIZE = 32;

  /** Default home-scene probability ρ. */
  public static final double DEFAULT_HOME_SCENE_PROBABILITY = 0.9;

  /** Validates every component; the message names the bad value and the allowed range. */
  public WorldSettings {
    if (framesPerClip < 2 || framesPerClip > 1024) {
      throw new IllegalArgumentException(
          "frames per clip " + framesPerClip + " is outside 2..1024 frames");
    }
    if (frameSize < 8 || frameSize > 1024) {
      throw new IllegalArgumentException("frame size " + frameSize + " is outside 8..1024 pixels");
    }
    if (!(homeSceneProbability >= 0 && homeSceneProbability <= 1)) {
      throw new IllegalArgumentException(
          "home-scene probability " + homeSceneProbability + " is outside [0, 1]");
    }
  }

  /** T = 8 frames of 32×32 pixels, ρ = 0.9, seed 0. */
  public static WorldSettings defaults() {
    return new WorldSettings(
        DEFAULT_FRAMES_PER_CLIP, DEFAULT_FRAME_SIZE, DEFAULT_HOME_SCENE_PROBABILITY, 0L);
  }

  /** These settings with another T. */
  public WorldSettings withFramesPerClip(int frames) {
    return new WorldSettings(frames, frameSize, homeSceneProbability, seed);
  }

  /** These settings with another frame size in pixels. */
  public WorldSettings withFrameSize(int pixels) {
    return new WorldSettings(framesPerClip, pixels, homeSceneProbability, seed);
  }

  /** These settings with another ρ. */
  public WorldSettings withHomeSceneProbability(double rho) {
    return new WorldSettings(framesPerClip, frameSize, rho, seed);
  }

  /** These settings with another world seed. */
  public WorldSettings withSeed(long worldSeed) {
    return new WorldSettings(framesPerClip, frameSize, homeSceneProbability, worldSeed);
  }
}
