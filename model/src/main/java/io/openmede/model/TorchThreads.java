package io.openmede.model;

import java.util.OptionalInt;

/**
 * libtorch's intra-op thread count for this process, as DJL reads it from system properties when
 * the engine starts (the first model loaded): setting it later has no effect.
 */
public final class TorchThreads {

  /** DJL's property for libtorch's intra-op threads. */
  public static final String PROPERTY = "ai.djl.pytorch.num_threads";

  private static final String INTEROP_PROPERTY = "ai.djl.pytorch.num_interop_threads";

  private TorchThreads() {}

  /**
   * Asks for {@code threads} intra-op threads (and one inter-op thread) when the engine starts; 0
   * or less leaves DJL's default (one per core).
   */
  public static void set(int threads) {
    if (threads > 0) {
      System.setProperty(PROPERTY, Integer.toString(threads));
      System.setProperty(INTEROP_PROPERTY, "1");
    }
  }

  /** The intra-op threads asked for in this process, if any (unparsable values count as none). */
  public static OptionalInt requested() {
    try {
      String v = System.getProperty(PROPERTY);
      return v == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(v.trim()));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /** Whether libtorch runs one intra-op thread: each model operation then uses one core. */
  public static boolean singleThreaded() {
    return requested().orElse(0) == 1;
  }
}
