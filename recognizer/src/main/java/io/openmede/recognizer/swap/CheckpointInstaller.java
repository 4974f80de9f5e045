package io.openmede.recognizer.swap;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs an announced checkpoint on every replica: judge it by the {@link CheckpointPolicy}
 * (signature, not older than the serving one), fetch and verify once, load one copy per replica
 * (device), check that it has the serving architecture, warm it up, and only then swap all slots.
 * Runs on the caller's thread, which must not be a stream thread: loading and warming take seconds.
 * If anything fails, every loaded copy is closed and the serving models stay.
 *
 * <p>Not thread-safe: one installer thread (the {@link CheckpointFollower}).
 *
 * @param <M> the model type
 */
public final class CheckpointInstaller<M extends AutoCloseable> {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointInstaller.class);

  /** How a model is loaded, checked and warmed. */
  public interface Loader<M> {
    /** Loads the weights for replica {@code replica} (its device). */
    M load(Path weights, int replica) throws IOException;

    /** Why {@code candidate} cannot replace {@code serving}, or empty when it can. */
    Optional<String> incompatibility(M candidate, M serving);

    /**
     * Runs one dummy batch and prepares what the first real batch would otherwise compute (class
     * embeddings of the current vocabulary under {@code version}), off the stream threads.
     */
    void warm(M model, String version);
  }

  /** Told about each outcome (metrics, logs, tests). */
  public interface Listener {
    void installed(String version);

    void refused(String version, String reason);

    /**
     * The announced checkpoint is loaded and warmed and is swapped in next (what it brings beside
     * the weights, such as open-set thresholds, takes effect with it).
     */
    default void swapping(CheckpointAnnouncement a) {}
  }

  private final CheckpointFetcher fetcher;
  private final List<ModelSlot<M>> slots;
  private final Loader<M> loader;
  private final Listener listener;
  private final CheckpointPolicy policy;
  private Optional<CheckpointAnnouncement> serving = Optional.empty();

  private final ServingMemory memory;
  private boolean pinned;

  /**
   * @param policy which announcements are acted on at all (signature, downgrade), judged before
   *     anything is fetched
   */
  public CheckpointInstaller(
      CheckpointFetcher fetcher,
      List<ModelSlot<M>> slots,
      Loader<M> loader,
      Listener listener,
      CheckpointPolicy policy) {
    this(fetcher, slots, loader, listener, policy, ServingMemory.none());
  }

  /**
   * @param policy which announcements are acted on at all (signature, downgrade), judged before
   *     anything is fetched
   * @param memory where what is served (and any pin) is kept across restarts ({@link #resume})
   */
  public CheckpointInstaller(
      CheckpointFetcher fetcher,
      List<ModelSlot<M>> slots,
      Loader<M> loader,
      Listener listener,
      CheckpointPolicy policy,
      ServingMemory memory) {
    this.fetcher = fetcher;
    this.policy = policy;
    this.slots = List.copyOf(slots);
    this.loader = loader;
    this.listener = listener;
    this.memory = memory;
  }

  /**
   * At start, before anything is served: installs again what this recognizer served before it
   * stopped (and takes back its pin), so it serves what it served and judges every announcement
   * against it. When that checkpoint can no longer be installed (its weights gone), the initial
   * weights serve, but the remembered announcement still counts as the serving one for the
   * downgrade check: a replayed older announcement is refused either way.
   *
   * @return the remembered version, if any
   */
  public Optional<String> resume() {
    Optional<ServingMemory.Remembered> r = memory.load();
    if (r.isEmpty()) {
      return Optional.empty();
    }
    CheckpointAnnouncement a = r.get().serving();
    pinned = r.get().pinned();
    LOG.info(
        "served {} before the restart{}: installing it again",
        a.getVersion(),
        pinned ? " (pinned by an operator)" : "");
    try {
      install(a);
    } catch (CheckpointRefusedException e) {
      LOG.warn(
          "the remembered checkpoint {} cannot be served again ({}); the initial weights serve,"
              + " and announcements older than {} are still refused",
          a.getVersion(),
          e.getMessage(),
          a.getVersion());
    }
    serving = Optional.of(a);
    return Optional.of(a.getVersion());
  }

  /** The announcement judged as serving: the last installed, or the one remembered at start. */
  public Optional<CheckpointAnnouncement> servingAnnouncement() {
    return serving;
  }

  /** Whether an operator pinned the serving checkpoint. */
  public boolean pinned() {
    return pinned;
  }

  /** The version the replicas serve now. */
  public String servingVersion() {
    return slots.get(0).version();
  }

  /**
   * Verifies, loads, warms and swaps in the announced checkpoint.
   *
   * @throws CheckpointRefusedException when it cannot be served; nothing changed then
   */
  public void install(CheckpointAnnouncement a) throws CheckpointRefusedException {
    String version = a.getVersion();
    long t0 = System.nanoTime();
    long fetchNanos = 0;
    long loadNanos = 0;
    long warmNanos = 0;
    try {
      Optional<CheckpointRefusedException> refusal = policy.refusal(a, serving);
      if (refusal.isPresent()) {
        throw refusal.get();
      }
      Path file = fetcher.fetch(a);
      fetchNanos = System.nanoTime() - t0;
      List<M> loaded = new ArrayList<>();
      try {
        for (int i = 0; i < slots.size(); i++) {
          M candidate;
          long t1 = System.nanoTime();
          try {
            candidate = loader.load(file, i);
          } catch (IOException | RuntimeException e) {
            throw new CheckpointRefusedException(version, "unreadable", e);
          }
          loaded.add(candidate);
          loadNanos += System.nanoTime() - t1;
          Optional<String> problem = loader.incompatibility(candidate, slots.get(i).peek());
          if (problem.isPresent()) {
            throw new CheckpointRefusedException(
                version, "architecture", new IOException(problem.get()));
          }
          long t2 = System.nanoTime();
          loader.warm(candidate, version);
          warmNanos += System.nanoTime() - t2;
        }
      } catch (CheckpointRefusedException | RuntimeException e) {
        for (M m : loaded) {
          closeQuietly(m);
        }
        throw e;
      }
      listener.swapping(a);
      for (int i = 0; i < slots.size(); i++) {
        slots.get(i).swap(loaded.get(i), version);
      }
      serving = Optional.of(a);
      remember(a);
    } catch (CheckpointRefusedException e) {
      LOG.warn("{}; still serving {}", e.getMessage(), servingVersion());
      listener.refused(version, e.reason());
      throw e;
    } catch (RuntimeException e) {
      LOG.warn("checkpoint {} refused: {}; still serving {}", version, e, servingVersion());
      listener.refused(version, "unreadable");
      throw new CheckpointRefusedException(version, "unreadable", e);
    }
    LOG.info(
        "now serving model version {} on {} replica(s) (verified, loaded and warmed in {} ms:"
            + " fetch {} ms, load {} ms, warm-up and class embeddings {} ms)",
        version,
        slots.size(),
        (System.nanoTime() - t0) / 1_000_000,
        fetchNanos / 1_000_000,
        loadNanos / 1_000_000,
        warmNanos / 1_000_000);
    listener.installed(version);
  }

  private void remember(CheckpointAnnouncement a) {
    try {
      memory.save(new ServingMemory.Remembered(a, pinned));
    } catch (IOException e) {
      LOG.warn(
          "could not remember serving {} in {} ({}); after a restart the initial weights serve"
              + " until an announcement is installed",
          a.getVersion(),
          memory.file().map(Object::toString).orElse("-"),
          e.toString());
    }
  }

  private static void closeQuietly(AutoCloseable m) {
    try {
      m.close();
    } catch (Exception e) {
      LOG.warn("closing a refused model failed", e);
    }
  }
}
