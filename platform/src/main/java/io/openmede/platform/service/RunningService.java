package io.openmede.platform.service;

import io.openmede.platform.health.Health;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A started service as {@link ServiceRun} serves it: what it says about itself, whether it ended by
 * itself, and how it stops.
 */
public interface RunningService extends AutoCloseable {

  /** Its health: a dead component ends the run with exit status 1. */
  Health health();

  /**
   * Completes when the service has finished its work by itself (a trainer with an update budget);
   * the run then ends with exit status 0. Never completes by default.
   */
  default CompletionStage<Void> finished() {
    return new CompletableFuture<>();
  }

  /**
   * Stops everything the service opened, in the reverse order. Idempotent; safe to call from a
   * shutdown hook while the main thread is in {@link ServiceRun#serve}.
   */
  @Override
  void close();
}
