package io.openmede.world;

/**
 * A tiny SplitMix64 generator. The world uses its own generator rather than {@link
 * java.util.SplittableRandom} so that clips stay byte-identical across JDK versions: the algorithm
 * below is fixed by this project, not by the platform.
 *
 * <p>Not thread-safe; create one per task.
 */
final class SplitMix {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private long state;

  SplitMix(long seed) {
    this.state = seed;
  }

  /** The SplitMix64 finaliser: a bijective scramble of one 64-bit value. */
  static long scramble(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Derives an independent seed from a seed and a stream tag. */
  static long mix(long seed, long tag) {
    return scramble(seed ^ scramble(tag + GOLDEN_GAMMA));
  }

  long nextLong() {
    state += GOLDEN_GAMMA;
    return scramble(state);
  }

  /** Uniform in [0, 1), 53 bits. */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [lo, hi). */
  double uniform(double lo, double hi) {
    return lo + (hi - lo) * nextDouble();
  }

  /** Uniform in [0, bound), without modulo bias worth mentioning for small bounds. */
  int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    return (int) (((nextLong() >>> 33) * bound) >>> 31);
  }

  /** Either -1 or +1 with equal probability. */
  int nextSign() {
    return (nextLong() & 1L) == 0 ? 1 : -1;
  }
}
