package io.openmede.recognizer.swap;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model that one device serves, swappable while batches run. A batch takes a {@link Lease} once
 * ({@link #acquire()}), uses that model for all its windows, and closes the lease; {@link #swap}
 * makes later leases get the new model, and the old model is closed when the last lease on it is
 * closed (reference counting), never under a running batch.
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

    void release() {
      if (refs.decrementAndGet() == 0) {
        try {
          model.close();
          LOG.info("closed model version {}", version);
        } catch (Exception e) {
          LOG.warn("closing model version {} failed", version, e);
        }
      }
    }
  }

  /** A model in use by one batch. Close it when the batch is done. Not thread-safe. */
  public static final class Lease<M extends AutoCloseable> implements AutoCloseable {
    private final Held<M> held;
    private boolean closed;

    private Lease(Held<M> held) {
      this.held = held;
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
        held.release();
      }
    }
  }

  private final AtomicReference<Held<M>> current;
  private volatile boolean closed;

  /** A slot serving {@code initial}, which it now owns. */
  public ModelSlot(M initial, String version) {
    this.current = new AtomicReference<>(new Held<>(initial, version));
  }

  /** The model to use for one batch. */
  public Lease<M> acquire() {
    while (true) {
      if (closed) {
        throw new IllegalStateException("model slot is closed");
      }
      Held<M> h = current.get();
      if (h.retain()) {
        return new Lease<>(h);
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
    old.release();
  }

  /** Closes the served model once its leases are closed. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      current.get().release();
    }
  }
}
