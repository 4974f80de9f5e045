package io.openmede.platform.health;

import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How a long-running command serves: until the process is asked to stop (SIGTERM, Ctrl-C), its
 * health reports a dead component, or the service finishes its work by itself, whichever comes
 * first. A service whose core died never lingers as a process that looks alive: the command returns
 * 1 so that a supervisor restarts it.
 */
public final class ServiceRun {

  private ServiceRun() {}

  /**
   * Blocks until a stop request or a death. On a stop request {@code stop} runs in the shutdown
   * hook, so that it completes before the JVM exits (it must be safe to call again: the caller's
   * try-with-resources closes the same things).
   *
   * @param service the name in the line printed on a death ("recognizer")
   * @param stop closes what the command runs
   * @return 0 after a stop request, 1 after a death (with a line on {@code err} saying why)
   */
  public static int serve(String service, Health health, AutoCloseable stop, PrintStream err)
      throws InterruptedException {
    return serve(service, health, new CompletableFuture<>(), stop, err);
  }

  /**
   * As {@link #serve(String, Health, AutoCloseable, PrintStream)}, and returns 0 as well when
   * {@code finished} completes (a service that ended its work by itself: the caller closes it).
   */
  public static int serve(
      String service,
      Health health,
      CompletionStage<?> finished,
      AutoCloseable stop,
      PrintStream err)
      throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    finished.whenComplete((v, e) -> done.countDown());
    AtomicReference<String> died = new AtomicReference<>();
    health.onDeath(
        reason -> {
          died.compareAndSet(null, reason);
          done.countDown();
        });
    Thread hook =
        new Thread(
            () -> {
              try {
                stop.close();
              } catch (Exception e) {
                err.println(service + ": stopping failed: " + e);
              }
              done.countDown();
            },
            service + "-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    done.await();
    boolean ended = finished.toCompletableFuture().isDone();
    if (died.get() == null && !ended) {
      return 0; // a stop request: the hook has closed everything
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDownAnyway) {
      // the JVM is already exiting: the hook runs
    }
    if (died.get() == null) {
      return 0; // finished by itself: the caller closes it
    }
    err.println(
        service
            + ": stopped because its core died ("
            + died.get()
            + "); exiting with status 1 so that a supervisor restarts it");
    return 1;
  }
}
