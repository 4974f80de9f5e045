package io.openmede.bench.recognizer;

import io.openmede.recognizer.RecognizerService;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The end-to-end warm-up: rounds like the measured ones, untimed, until the JIT has settled (the
 * broker, the clients and the topology are a lot of code; C2 compiling it takes a core away).
 */
final class WarmUp {

  /** At least this many rounds... */
  static final int MIN_PASSES = 2;

  /** ...then until the JIT has settled ({@link JitClock#settled}), but at most this many. */
  static final int MAX_PASSES = 40;

  private WarmUp() {}

  /** Runs rounds until the JIT has settled, {@link #MAX_PASSES} or {@code maxWarmUp}. */
  static void run(
      RecognizerService service,
      FrameLoad load,
      RecognitionReader reader,
      JitClock jit,
      Duration maxWarmUp,
      PrintStream out)
      throws InterruptedException {
    long warmStart = System.nanoTime();
    for (int pass = 1; ; pass++) {
      long jit0 = jit.millis();
      long brokerJit0 = jit.brokerMillis();
      long t0 = System.nanoTime();
      int before = reader.windowsRead();
      load.produceRound(service);
      service.streams().resume();
      reader.awaitWindows(before + load.windowsPerRound(), Duration.ofSeconds(600));
      double wallMs = (System.nanoTime() - t0) / 1e6;
      long jitMs = jit.millis() - jit0;
      out.printf(
          "warm-up round %d: %.1f s, JIT compiling %d ms (%.0f%%)%s%n",
          pass, wallMs / 1000, jitMs, 100 * jitMs / wallMs, jit.brokerShare(brokerJit0));
      if (pass >= MIN_PASSES && JitClock.settled(jitMs, wallMs)) {
        return;
      }
      if (pass >= MAX_PASSES || System.nanoTime() - warmStart > maxWarmUp.toNanos()) {
        out.printf("warm-up: the JIT has not settled after %d rounds; measuring anyway%n", pass);
        return;
      }
    }
  }
}
