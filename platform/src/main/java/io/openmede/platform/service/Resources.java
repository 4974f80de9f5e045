package io.openmede.platform.service;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a service opened, closed in the reverse order: a service's start adds each resource as it
 * opens it, inside {@code try (Resources opened = new Resources("recognizer"))}, and hands them to
 * the running service with {@link #keep()} as its last step; if anything on the way throws, the try
 * closes what was opened so far, newest first, and nothing leaks.
 *
 * <p>{@link #close()} closes each resource once even when another one's close fails (the failure is
 * logged) and may be called again (it does nothing then). Thread-safe.
 */
public final class Resources implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Resources.class);

  /** How one resource is closed. */
  @FunctionalInterface
  public interface Closer<T> {
    void close(T resource) throws Exception;
  }

  private record Entry(String name, Runnable close) {}

  private final String owner;
  private final Deque<Entry> opened = new ArrayDeque<>();

  /**
   * @param owner the service's name, in the log line of a resource that fails to close
   */
  public Resources(String owner) {
    this.owner = owner;
  }

  /** Adds {@code resource}, to be closed with its {@code close()}; returns it. */
  public <T extends AutoCloseable> T add(T resource) {
    return add(resource, AutoCloseable::close);
  }

  /** Adds {@code resource}, to be closed by {@code closer}; returns it. */
  public synchronized <T> T add(T resource, Closer<? super T> closer) {
    String name = resource.getClass().getSimpleName();
    opened.push(
        new Entry(
            name,
            () -> {
              try {
                closer.close(resource);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Exception | LinkageError e) {
                LOG.warn("{}: closing its {} failed", owner, name, e);
              }
            }));
    return resource;
  }

  /** Adds a step to run when the resources are closed (after those added later). */
  public synchronized void onClose(String name, Runnable step) {
    opened.push(new Entry(name, step));
  }

  /**
   * Moves every resource into a new {@code Resources}, which now closes them, and leaves this one
   * empty: the last step of a start, so that its try-with-resources closes nothing.
   */
  public synchronized Resources keep() {
    Resources kept = new Resources(owner);
    kept.opened.addAll(opened);
    opened.clear();
    return kept;
  }

  /** Closes every resource, the newest first; each once. */
  @Override
  public void close() {
    while (true) {
      Entry e;
      synchronized (this) {
        e = opened.poll();
      }
      if (e == null) {
        return;
      }
      e.close().run();
    }
  }
}
