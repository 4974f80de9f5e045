package io.openmede.recognizer.swap;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
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

    /**
     * For a rehearsal at start ({@link CheckpointInstaller#rehearse}): what {@link #warm} does, and
     * also computes class embeddings of a sample class (at start there is no vocabulary yet), so
     * the class embeddings' code has run too.
     */
    default void rehearse(M model) {
      warm(model, REHEARSAL_VERSION);
    }
  }

  /** The version name a rehearsal's throwaway models are warmed under. */
  public static final String REHEARSAL_VERSION = "swap-rehearsal";

  /** Told about each outcome (metrics, logs, tests). */
  public interface Listener {
    void installed(String version);

    void refused(String version, String reason);

    /**
     * The announced checkpoint is loaded and warmed and is swapped in next (what it brings beside
     * the weights, such as open-set thresholds, takes effect with it).
     */
    default void swapping(CheckpointAnnouncement a) {}

    /** An operator pinned ({@code true}) or unpinned the serving checkpoint. */
    default void pinned(boolean pinned) {}
  }

  private final CheckpointFetcher fetcher;
  private final List<ModelSlot<M>> slots;
  private final Loader<M> loader;
  private final Listener listener;
  private final CheckpointPolicy policy;
  private Optional<CheckpointAnnouncement> serving = Optional.empty();

  private final ServingMemory memory;
  private boolean pinned;
  private boolean swappedOnce;

  /** When the last operator decision applied was made: older or equal ones are not applied. */
  private Optional<Instant> lastDecision = Optional.empty();

  /** When the last promote or rollback was made: older trainer checkpoints do not replace it. */
  private Optional<Instant> supersededBefore = Optional.empty();

  /** The newest trainer announcement that verified: what an unpin installs. */
  private Optional<CheckpointAnnouncement> latestTrainer = Optional.empty();

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
    // judged by its signature only: it was installed (or decided) before, so neither its age nor
    // the time of its decision counts now. One this recognizer would refuse was not written by it
    // (a file changed on disk, or keys changed since): nothing of the file counts, so that it can
    // neither pin the recognizer nor make every announcement a downgrade
    Optional<CheckpointRefusedException> refusal =
        a.getOperator() != null ? policy.operatorRefusal(a) : policy.refusal(a, Optional.empty());
    if (refusal.isPresent()) {
      listener.refused(a.getVersion(), refusal.get().reason());
      LOG.warn(
          "the remembered checkpoint {} is refused ({}): the serving memory {} is ignored, the"
              + " initial weights serve and every announcement is judged afresh",
          a.getVersion(),
          refusal.get().getMessage(),
          memory.file().map(Object::toString).orElse("-"));
      return Optional.empty();
    }
    pinned = r.get().pinned();
    // times are not signed: one later than now would refuse every operator decision to come
    Instant now = Instant.now();
    lastDecision = r.get().lastDecision().map(t -> t.isAfter(now) ? now : t);
    supersededBefore = r.get().supersededBefore().map(t -> t.isAfter(now) ? now : t);
    listener.pinned(pinned);
    LOG.info(
        "served {} before the restart{}: installing it again",
        a.getVersion(),
        pinned
            ? " (pinned by an operator: newer trainer checkpoints wait for openmede model unpin)"
            : "");
    try {
      swapIn(a);
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

  /**
   * Whether a checkpoint was swapped in since this installer was made (by {@link #resume} or an
   * announcement): then the swap path has run once already and a {@link #rehearse} adds nothing.
   */
  public boolean swappedOnce() {
    return swappedOnce;
  }

  /**
   * Rehearses a swap at start, before anything is scored, so that the first real swap of a freshly
   * started recognizer is as smooth as the later ones: {@code weights} (the weights served now) are
   * copied and digested as a fetch does, one throwaway copy per replica is loaded on that replica's
   * device, checked against the serving architecture, warmed up and its class embeddings computed
   * ({@link Loader#rehearse}), then given up as a swap gives up the model a batch still holds
   * ({@link ModelSlot#handOverAndClose}: closed on the background closer thread, which this
   * starts), and the copy deleted. Nothing is served, remembered or counted. The code of that path
   * (the copy and digest, the checkpoint reader, the warm-up, the text tower) is then compiled by
   * the JIT and the native allocator has held a model's memory once; without it, both happen during
   * the first swap, on the cores that serve. Runs on the caller's thread (the one that starts the
   * service).
   *
   * @throws IOException when {@code weights} cannot be copied or loaded, or have another
   *     architecture than the serving model; every throwaway model is closed then
   */
  public void rehearse(Path weights) throws IOException {
    Path copy = fetcher.rehearsalCopy(weights);
    try {
      for (int i = 0; i < slots.size(); i++) {
        M candidate = loader.load(copy, i);
        try {
          Optional<String> problem = loader.incompatibility(candidate, slots.get(i).peek());
          if (problem.isPresent()) {
            throw new IOException("swap rehearsal with " + weights + ": " + problem.get());
          }
          loader.rehearse(candidate);
        } catch (IOException | RuntimeException e) {
          closeQuietly(candidate);
          throw e;
        }
        try {
          ModelSlot.handOverAndClose(candidate, REHEARSAL_VERSION);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("swap rehearsal interrupted", e);
        }
      }
    } finally {
      fetcher.discard(copy);
    }
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
   * Acts on an announcement. A trainer's: judged by the {@link CheckpointPolicy}, then, unless an
   * operator pinned the serving checkpoint (then it waits, and is logged and counted as refused
   * with reason {@code pinned}) or an operator's promote or rollback was decided after it was
   * created (reason {@code superseded}), verified, loaded, warmed and swapped in. An operator's
   * decision: see {@link #decide}.
   *
   * @throws CheckpointRefusedException when it cannot be served; nothing changed then
   */
  public void install(CheckpointAnnouncement a) throws CheckpointRefusedException {
    if (a.getOperator() != null) {
      decide(a);
      return;
    }
    String version = a.getVersion();
    Optional<CheckpointRefusedException> refusal = policy.refusal(a, serving);
    if (refusal.isPresent()) {
      refuse(refusal.get());
    }
    if (latestTrainer.isEmpty() || CheckpointPolicy.AGE.compare(a, latestTrainer.get()) > 0) {
      latestTrainer = Optional.of(a);
    }
    if (pinned) {
      LOG.info(
          "checkpoint {} not installed: an operator pinned {}; it is installed on openmede model"
              + " unpin",
          version,
          servingVersion());
      listener.refused(version, "pinned");
      return;
    }
    if (supersededBefore.isPresent()
        && a.getCreatedAt() != null
        && a.getCreatedAt().isBefore(supersededBefore.get())) {
      refuse(
          new CheckpointRefusedException(
              version,
              "superseded",
              "created at "
                  + a.getCreatedAt()
                  + ", before an operator chose "
                  + servingVersion()
                  + " at "
                  + supersededBefore.get()
                  + "; trainer checkpoints created later are installed"));
    }
    swapIn(a);
  }

  /**
   * Applies an operator's decision, signed by a trusted operator key, once: a decision made at or
   * before the last one applied is ignored (the topic is replayed at every start). {@code promote}
   * installs the version even if the trainer's gate held it back or it is older than the serving
   * one, and ends any pin; {@code rollback} does the same and pins it: trainer checkpoints wait
   * until {@code unpin}, which then installs the newest trainer checkpoint seen. After a promote or
   * rollback, trainer checkpoints created before the decision do not replace it.
   *
   * @throws CheckpointRefusedException when the decision is refused (unknown key, bad action) or
   *     its checkpoint cannot be served; nothing changed then
   */
  public void decide(CheckpointAnnouncement a) throws CheckpointRefusedException {
    String version = a.getVersion();
    Optional<CheckpointRefusedException> refusal = policy.operatorRefusal(a);
    if (refusal.isPresent()) {
      refuse(refusal.get());
    }
    String action = a.getOperator().getAction();
    Instant at = a.getOperator().getDecidedAt();
    if (lastDecision.isPresent() && !at.isAfter(lastDecision.get())) {
      LOG.debug(
          "operator decision {} {} of {} applied already (last decision applied: {})",
          action,
          version,
          at,
          lastDecision.get());
      return;
    }
    if (action.equals("unpin")) {
      pinned = false;
      lastDecision = Optional.of(at);
      supersededBefore = Optional.empty();
      listener.pinned(false);
      serving.ifPresent(this::remember);
      LOG.info(
          "operator {} unpinned {} (decided at {}): following the trainer's checkpoints again",
          a.getOperator().getKeyId(),
          servingVersion(),
          at);
      Optional<CheckpointAnnouncement> next = latestTrainer;
      if (next.isPresent() && !next.get().getVersion().equals(servingVersion())) {
        try {
          install(next.get());
        } catch (CheckpointRefusedException e) {
          // logged and counted by install; the serving checkpoint stays
        }
      }
      return;
    }
    boolean pin = action.equals("rollback");
    boolean same =
        serving.isPresent()
            && serving.get().getVersion().equals(version)
            && serving.get().getSha256().equals(a.getSha256())
            && version.equals(servingVersion());
    if (!same) {
      swapIn(a);
    }
    serving = Optional.of(a);
    pinned = pin;
    lastDecision = Optional.of(at);
    supersededBefore = Optional.of(at);
    listener.pinned(pin);
    remember(a);
    LOG.info(
        "operator {} {} {} (decided at {}){}",
        a.getOperator().getKeyId(),
        pin ? "rolled back to" : "promoted",
        version,
        at,
        pin ? ": pinned, trainer checkpoints are not installed until openmede model unpin" : "");
    if (same) {
      listener.installed(version);
    }
  }

  private void refuse(CheckpointRefusedException e) throws CheckpointRefusedException {
    LOG.warn("{}; still serving {}", e.getMessage(), servingVersion());
    listener.refused(e.version(), e.reason());
    throw e;
  }

  /** Fetches, verifies, loads, warms and swaps in {@code a}, already judged. */
  private void swapIn(CheckpointAnnouncement a) throws CheckpointRefusedException {
    String version = a.getVersion();
    long t0 = System.nanoTime();
    long fetchNanos = 0;
    long loadNanos = 0;
    long warmNanos = 0;
    try {
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
      swappedOnce = true;
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
      memory.save(new ServingMemory.Remembered(a, pinned, lastDecision, supersededBefore));
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
