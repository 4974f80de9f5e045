package io.openmede.platform.health;

import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What the Kafka Streams services (the recognizer, the events service) say of their Kafka Streams
 * client: its health, waiting for it to run, and how a failed stream thread is handled.
 */
public final class StreamsHealth {

  private StreamsHealth() {}

  /**
   * The health of a client in state {@code s}: ready while running, not ready while it starts or
   * rebalances (or stops because the service closes), dead in error or when it stopped while the
   * service runs.
   *
   * @param closing whether the service is being closed
   * @param whatStops what no longer happens while it is dead ("no window is recognized")
   */
  public static Health.Report report(KafkaStreams.State s, boolean closing, String whatStops) {
    return switch (s) {
      case RUNNING -> Health.Report.ready();
      case CREATED, REBALANCING -> Health.Report.notReady("Kafka Streams is " + s);
      case PENDING_ERROR, ERROR ->
          Health.Report.dead("Kafka Streams is " + s + ": " + whatStops + " (see the log)");
      case PENDING_SHUTDOWN, NOT_RUNNING ->
          closing
              ? Health.Report.notReady("stopping")
              : Health.Report.dead("Kafka Streams stopped (" + s + ") while the service runs");
    };
  }

  /** Waits until {@code streams} runs; false on timeout. */
  public static boolean awaitRunning(KafkaStreams streams, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (streams.state() == KafkaStreams.State.RUNNING) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** A failed stream thread is replaced or the client stopped, as {@code policy} judges. */
  public static StreamsUncaughtExceptionHandler handler(ThreadFailurePolicy policy) {
    return e ->
        policy.replace(e)
            ? StreamThreadExceptionResponse.REPLACE_THREAD
            : StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }
}
