package io.openmede.recognizer.swap;

import io.openmede.recognizer.threads.ThreadPriorities;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model that one device serves, swappable while batches run. A batch takes a {@link Lease} once
 * ({@link #acquire()}), uses that model for all its windows, and closes the lease; {@link #swap}
 * makes later leases get the new model, and the old model is closed when the last lease on it is
 * closed (reference counting), never under a running batch. A slot made with {@link
 * #closingInBackground} closes a model whose last lease a batch gives up on a background thread at
 * the nicest priority, so that freeing the old weights is not on the scoring thread's path.
 *
 * <p>Thread-safe.
 *
 * @param <M> the model type
 */
public final class ModelSlot<M extends AutoCloseable> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelSlot.class);

  private static final class Held<M extends AutoCloseable> {
    final M model;
    final String version;
    final AtomicInteger refs = new AtomicInteger(1); // the slot's own reference

    Held(M model, String version) {
      this.model = Objects.requireNonNull(model, "model");
      this.version = Objects.requireNonNull(version, "version");
    }

    boolean retain() {
      while (true) {
        int r = refs.get();
        if (r == 0) {
          return false;
        }
        if (refs.compareAndSet(r, r + 1)) {
          return true;
        }
      }
    }

    void release(Executor closer) {
      if (refs.decrementAndGet() == 0) {
        closer.execute(this::closeModel);
      }
    }

    private void closeModel() {
      try {
        model.close();
        LOG.info("closed model version {}", version);
      } catch (Exception e) {
        LOG.warn("closing model version {} failed", version, e);
      }
    }
  }

  /** A model in use by one batch. Close it when the batch is done. Not thread-safe. */
  public static final class Lease<M extends AutoCloseable> implements AutoCloseable {
    private final Held<M> held;
    private final Executor closer;
    private boolean closed;

    private Lease(Held<M> held, Executor closer) {
      this.held = held;
      this.closer = closer;
    }

    /** The model; valid until this lease is closed. */
    public M model() {
      return held.model;
    }

    /** The model's version. */
    public String version() {
      return held.version;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        held.release(closer);
      }
    }
  }

  /** Runs a task on the calling thread. */
  private static final Executor ON_CALLER = Runnable::run;

  /** The background thread that closes models given up by batches, started on first use. */
  private static final class BackgroundCloser {
    static final ExecutorService INSTANCE =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t =
                  new Thread(
                      () -> {
                        ThreadPriorities.lowerCurrentThread(ThreadPriorities.NICEST);
                        r.run();
                      },
                      "model-closer");
              t.setDaemon(true);
              return t;
            });
  }

  private final AtomicReference<Held<M>> current;
  private final Executor leaseCloser;
  private volatile boolean closed;

  /**
   * A slot serving {@code initial}, which it now owns; a model is closed on the thread that gives
   * up its last reference.
   */
  public ModelSlot(M initial, String version) {
    this(initial, version, ON_CALLER);
  }

  private ModelSlot(M initial, String version, Executor leaseCloser) {
    this.current = new AtomicReference<>(new Held<>(initial, version));
    this.leaseCloser = leaseCloser;
  }

  /**
   * A slot serving {@code initial}, which it now owns, that closes a model whose last lease is
   * closed on the background thread {@code model-closer} (nice 19), off the batch's thread. A model
   * released by {@link #swap} or {@link #close} is still closed on the calling thread.
   */
  public static <M extends AutoCloseable> ModelSlot<M> closingInBackground(
      M initial, String version) {
    return new ModelSlot<>(initial, version, BackgroundCloser.INSTANCE);
  }

  /**
   * Gives {@code model} up as a swap gives up a serving model that a batch still holds, and returns
   * once it is closed: in a slot of its own that closes in the background ({@link
   * #closingInBackground}), leased as a batch leases it, the slot closed, then the lease, whose
   * close hands the model to the background closer thread. For a swap rehearsal at start ({@link
   * CheckpointInstaller#rehearse}): the closer thread is started and the hand-over's code has run
   * before the first swap, and nothing any slot serves is touched.
   *
   * @throws InterruptedException when interrupted while the model is closed (it is closed anyway)
   */
  public static <M extends AutoCloseable> void handOverAndClose(M model, String version)
      throws InterruptedException {
    ModelSlot<M> slot = closingInBackground(model, version);
    Lease<M> lease = slot.acquire();
    slot.close();
    lease.close();
    try {
      // one closer thread, in order: the model is closed once this no-op has run
      BackgroundCloser.INSTANCE.submit(() -> {}).get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the model closer failed", e.getCause());
    }
  }

  /** The model to use for one batch. */
  public Lease<M> acquire() {
    while (true) {
      if (closed) {
        throw new IllegalStateException("model slot is closed");
      }
      Held<M> h = current.get();
      if (h.retain()) {
        return new Lease<>(h, leaseCloser);
      }
    }
  }

  /** The version served now. */
  public String version() {
    return current.get().version;
  }

  /** The model served now, for inspection only (no lease: do not run it). */
  public M peek() {
    return current.get().model;
  }

  /**
   * Serves {@code next} (which the slot now owns) from the next lease on; the previous model is
   * closed once its last lease is closed.
   */
  public void swap(M next, String version) {
    Held<M> old = current.getAndSet(new Held<>(next, version));
    old.release(ON_CALLER);
  }

  /** Closes the served model once its leases are closed. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      current.get().release(ON_CALLER);
    }
  }
}
