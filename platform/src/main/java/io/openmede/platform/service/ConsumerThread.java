package io.openmede.platform.service;

import io.openmede.platform.health.Health;
import java.time.Duration;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka consumer polled on a daemon thread of its own until {@link #close()}: the webhook
 * delivery, the labeler and the checkpoint follower each give it one poll's work. A failure of a
 * poll (the broker away, a send that timed out) is logged and the poll tried again after a pause;
 * the thread ends only when closed, or when its work is interrupted.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} to stop (wakes the consumer, joins the
 * thread for up to 30 s, closes the consumer, which this runner owns). {@link #report} says whether
 * the thread still runs, for the service's {@link Health}.
 */
public final class ConsumerThread<K, V> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerThread.class);

  private static final Duration JOIN = Duration.ofSeconds(30);

  /** One poll's work on the consumer thread. */
  @FunctionalInterface
  public interface Poll<K, V> {
    /**
     * Polls {@code consumer} once and handles what came.
     *
     * @throws InterruptedException to end the thread (it was interrupted)
     * @throws Exception any other failure: logged, tried again after the pause
     */
    void once(Consumer<K, V> consumer) throws Exception;
  }

  private final String name;
  private final Consumer<K, V> consumer;
  private final Poll<K, V> poll;
  private final Duration retryPause;
  private final String whileFailing;
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param name the thread's name, and the subject of its log lines ("labeler")
   * @param consumer the consumer to poll; owned by this runner from now on
   * @param retryPause how long to wait after a failed poll
   * @param whileFailing what goes on meanwhile, appended to the failure's log line (e.g. ", the
   *     current model keeps serving"); may be empty
   * @param atStart runs first on the new thread (e.g. to lower its priority)
   */
  public ConsumerThread(
      String name,
      Consumer<K, V> consumer,
      Duration retryPause,
      String whileFailing,
      Runnable atStart,
      Poll<K, V> poll) {
    this.name = name;
    this.consumer = consumer;
    this.poll = poll;
    this.retryPause = retryPause;
    this.whileFailing = whileFailing;
    this.thread =
        new Thread(
            () -> {
              atStart.run();
              run();
            },
            name);
    this.thread.setDaemon(true);
  }

  /** As the full constructor, with nothing to do first and nothing to add to a failure's line. */
  public ConsumerThread(
      String name, Consumer<K, V> consumer, Duration retryPause, Poll<K, V> poll) {
    this(name, consumer, retryPause, "", () -> {}, poll);
  }

  /** Starts polling. */
  public void start() {
    thread.start();
  }

  /** Whether the thread has ended (false before {@link #start} and while it runs). */
  public boolean stopped() {
    return thread.getState() == Thread.State.TERMINATED;
  }

  /**
   * Ready while the thread runs (or after {@link #close()}), dead with {@code deadReason} when it
   * ended by itself.
   */
  public Health.Report report(String deadReason) {
    return !stopped() || !running ? Health.Report.ready() : Health.Report.dead(deadReason);
  }

  private void run() {
    while (running) {
      try {
        poll.once(consumer);
      } catch (WakeupException e) {
        if (running) {
          LOG.warn("{} woken up unexpectedly; going on", name);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        if (!running) {
          break;
        }
        LOG.warn("{}: {}; retrying in {} s{}", name, e, retryPause.toSeconds(), whileFailing);
        try {
          Thread.sleep(retryPause.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Stops polling: wakes the consumer, joins the thread (up to 30 s), closes the consumer. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(JOIN.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close();
  }
}
