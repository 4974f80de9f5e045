package io.openmede.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.platform.health.Health;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The waiting client around a FAKE registry that is away for a number of calls. */
class WaitingRegistryClientTest {

  static final Schema SCHEMA = Schema.create(Schema.Type.STRING);

  /** Away (unreachable) for the first {@code away} calls, then answers; 404 for id 404. */
  static final class AwayRegistry implements SchemaRegistryClient {
    final AtomicInteger calls = new AtomicInteger();
    volatile int away;

    AwayRegistry(int away) {
      this.away = away;
    }

    @Override
    public int register(String subject, Schema schema) {
      return 1;
    }

    @Override
    public Schema getById(int id) {
      if (calls.incrementAndGet() <= away) {
        throw SchemaRegistryException.unreachable(
            "http://registry:8081", new java.net.ConnectException("refused"));
      }
      if (id == 404) {
        throw SchemaRegistryException.refused(
            "fetching schema id " + id, 404, SchemaRegistryException.SCHEMA_NOT_FOUND, "none");
      }
      return SCHEMA;
    }

    @Override
    public Optional<Integer> lookUp(String subject, Schema schema) {
      return Optional.of(1);
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
      return true;
    }
  }

  @Test
  void notAskedToWait_aTransientFailurePassesThroughAtOnce() {
    AwayRegistry fake = new AwayRegistry(1);
    WaitingRegistryClient client = new WaitingRegistryClient(fake);
    assertThatThrownBy(() -> client.getById(1)).isInstanceOf(SchemaRegistryException.class);
    assertThat(fake.calls.get()).isEqualTo(1);
  }

  @Test
  void waiting_theCallIsAskedAgainUntilTheRegistryAnswers_andHealthSaysWhyMeanwhile()
      throws Exception {
    AwayRegistry fake = new AwayRegistry(Integer.MAX_VALUE);
    WaitingRegistryClient client = new WaitingRegistryClient(fake).waitWhileAway();
    CompletableFuture<Schema> call = CompletableFuture.supplyAsync(() -> client.getById(1));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (fake.calls.get() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(call).isNotDone();
    assertThat(client.report().state()).isEqualTo(Health.State.NOT_READY);
    assertThat(client.report().reason())
        .contains("the schema registry has been away")
        .contains("registry unreachable");
    fake.away = 0;
    assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(SCHEMA);
    assertThat(client.report().state()).isEqualTo(Health.State.READY);
  }

  @Test
  void waiting_anAnswerThatTheSchemaDoesNotExist_isThrownAtOnce() {
    AwayRegistry fake = new AwayRegistry(0);
    WaitingRegistryClient client = new WaitingRegistryClient(fake).waitWhileAway();
    assertThatThrownBy(() -> client.getById(404))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.isNotFound()).isTrue());
    assertThat(fake.calls.get()).isEqualTo(1);
  }

  @Test
  void stopWaiting_endsTheWait() throws Exception {
    AwayRegistry fake = new AwayRegistry(Integer.MAX_VALUE);
    WaitingRegistryClient client = new WaitingRegistryClient(fake).waitWhileAway();
    CompletableFuture<Schema> call = CompletableFuture.supplyAsync(() -> client.getById(1));
    Thread.sleep(100);
    client.stopWaiting();
    assertThatThrownBy(() -> call.get(15, TimeUnit.SECONDS))
        .hasCauseInstanceOf(SchemaRegistryException.class);
  }

  @Test
  void stopWaiting_aCallInItsPauseGivesUpAtOnce_notAtTheEndOfThePause() throws Exception {
    AwayRegistry fake = new AwayRegistry(Integer.MAX_VALUE);
    WaitingRegistryClient client = new WaitingRegistryClient(fake).waitWhileAway();
    CompletableFuture<Schema> call = CompletableFuture.supplyAsync(() -> client.getById(1));
    // the first pause is 500 ms, the second 1000 ms: at 700 ms the call is in its second pause
    Thread.sleep(WaitingRegistryClient.FIRST_PAUSE_MS + 200);
    assertThat(call).isNotDone();
    long t0 = System.nanoTime();
    client.stopWaiting();
    assertThatThrownBy(() -> call.get(15, TimeUnit.SECONDS))
        .hasCauseInstanceOf(SchemaRegistryException.class);
    // before, the call slept out its pause: about 800 ms more
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(400);
    assertThat(fake.calls.get()).isBetween(2, 3);
  }
}
