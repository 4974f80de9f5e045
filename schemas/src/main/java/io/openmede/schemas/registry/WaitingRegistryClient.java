package io.openmede.schemas.registry;

import io.openmede.platform.health.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry client that, once a service {@linkplain #waitWhileAway() asks for it}, waits
 * for the registry while it is away instead of failing: a call that fails transiently (the registry
 * cannot be reached, or answers 5xx) is asked again after a pause that doubles from {@value
 * #FIRST_PAUSE_MS} ms up to {@value #MAX_PAUSE_MS} ms, as long as it takes. So a record whose
 * writer schema is not cached yet (a fresh process) waits on its thread for the registry and is
 * never dead-lettered for its absence; only an answer (a schema that does not exist, an
 * incompatible one) refuses a record. Meanwhile {@link #report()} says the service is not ready and
 * why.
 *
 * <p>Until {@link #waitWhileAway()} it passes failures through at once (commands, tests), as does a
 * client on which {@link #stopWaiting()} was called. Thread-safe.
 */
public final class WaitingRegistryClient implements SchemaRegistryClient {

  private static final Logger LOG = LoggerFactory.getLogger(WaitingRegistryClient.class);

  /** The first pause before the registry is asked again. */
  public static final long FIRST_PAUSE_MS = 500;

  /** The longest pause between two tries. */
  public static final long MAX_PAUSE_MS = 10_000;

  private final SchemaRegistryClient registry;
  private volatile boolean waiting;

  /** What the calls that wait pause on; {@link #stopWaiting} wakes them. */
  private final Object pauses = new Object();

  private volatile Instant awaySince;
  private volatile String lastFailure = "";

  public WaitingRegistryClient(SchemaRegistryClient registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** From now on, calls wait for the registry while it is away. */
  public WaitingRegistryClient waitWhileAway() {
    waiting = true;
    return this;
  }

  /** From now on, calls fail at once again (a service closing: its threads must end). */
  public void stopWaiting() {
    synchronized (pauses) {
      waiting = false;
      pauses.notifyAll(); // a call in its pause gives up now, not at the end of the pause
    }
  }

  /** The client asked. */
  public SchemaRegistryClient delegate() {
    return registry;
  }

  /** Whether a call is waiting for the registry now. */
  public boolean away() {
    return awaySince != null;
  }

  /**
   * Ready while the registry answers; not ready, with how long and why, while a call waits for it
   * (the service is alive: nothing is lost, records wait).
   */
  public Health.Report report() {
    Instant since = awaySince;
    if (since == null) {
      return Health.Report.ready();
    }
    return Health.Report.notReady(
        "the schema registry has been away for "
            + Duration.between(since, Instant.now()).toSeconds()
            + " s ("
            + lastFailure
            + "): records whose schema is not cached wait for it, none is dead-lettered for it");
  }

  @Override
  public int register(String subject, Schema schema) {
    return call("register under " + subject, () -> registry.register(subject, schema));
  }

  @Override
  public Schema getById(int id) {
    return call("schema id " + id, () -> registry.getById(id));
  }

  @Override
  public Optional<Integer> lookUp(String subject, Schema schema) {
    return call("look up under " + subject, () -> registry.lookUp(subject, schema));
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    return call("compatibility under " + subject, () -> registry.isCompatible(subject, schema));
  }

  @Override
  public Optional<CompatibilityLevel> compatibilityLevel(String subject) {
    return call("compatibility level of " + subject, () -> registry.compatibilityLevel(subject));
  }

  @Override
  public void setCompatibilityLevel(String subject, CompatibilityLevel level) {
    call(
        "set compatibility level of " + subject,
        () -> {
          registry.setCompatibilityLevel(subject, level);
          return null;
        });
  }

  private <T> T call(String what, Supplier<T> op) {
    long pause = FIRST_PAUSE_MS;
    while (true) {
      try {
        T result = op.get();
        if (awaySince != null) {
          LOG.info(
              "the schema registry answers again ({}), after {} s away",
              what,
              Duration.between(awaySince, Instant.now()).toSeconds());
          awaySince = null;
        }
        return result;
      } catch (SchemaRegistryException e) {
        if (!waiting || !e.isTransient()) {
          throw e;
        }
        if (awaySince == null) {
          awaySince = Instant.now();
        }
        lastFailure = e.getMessage();
        LOG.warn(
            "the schema registry is away ({}: {}); the record waits, asking again in {} ms",
            what,
            e.getMessage(),
            pause);
        try {
          synchronized (pauses) {
            if (!waiting) {
              throw e;
            }
            pauses.wait(pause);
          }
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        pause = Math.min(pause * 2, MAX_PAUSE_MS);
      }
    }
  }
}
