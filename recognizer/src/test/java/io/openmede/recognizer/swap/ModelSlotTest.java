package io.openmede.recognizer.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ModelSlotTest {

  static final class Closeable implements AutoCloseable {
    final AtomicInteger closes = new AtomicInteger();

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  @Test
  void swap_whileABatchHoldsTheOldModel_closesItOnlyAfterTheBatch() {
    Closeable v1 = new Closeable();
    Closeable v2 = new Closeable();
    ModelSlot<Closeable> slot = new ModelSlot<>(v1, "v1");
    ModelSlot.Lease<Closeable> inFlight = slot.acquire();
    slot.swap(v2, "v2");
    assertThat(v1.closes).hasValue(0);
    assertThat(inFlight.model()).isSameAs(v1);
    try (ModelSlot.Lease<Closeable> next = slot.acquire()) {
      assertThat(next.model()).isSameAs(v2);
      assertThat(next.version()).isEqualTo("v2");
    }
    inFlight.close();
    assertThat(v1.closes).hasValue(1);
    inFlight.close(); // idempotent
    assertThat(v1.closes).hasValue(1);
    assertThat(v2.closes).hasValue(0);
  }

  @Test
  void handOverAndClose_closesTheModelOnTheCloserThread_beforeItReturns() throws Exception {
    AtomicReference<String> closedOn = new AtomicReference<>();
    ModelSlot.handOverAndClose(() -> closedOn.set(Thread.currentThread().getName()), "rehearsal");
    assertThat(closedOn.get()).isEqualTo("model-closer");
  }

  @Test
  void closingInBackground_theBatchThatGivesUpTheOldModelDoesNotCloseIt() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    AtomicReference<String> closedOn = new AtomicReference<>();
    AutoCloseable v1 =
        () -> {
          closedOn.set(Thread.currentThread().getName());
          closed.countDown();
        };
    ModelSlot<AutoCloseable> slot = ModelSlot.closingInBackground(v1, "v1");
    ModelSlot.Lease<AutoCloseable> inFlight = slot.acquire();
    slot.swap(() -> {}, "v2");
    inFlight.close();
    assertThat(closed.await(10, TimeUnit.SECONDS)).as("the old model is closed").isTrue();
    assertThat(closedOn.get()).isEqualTo("model-closer");
  }

  @Test
  void swap_withNoBatchRunning_closesTheOldModelAtOnce() {
    Closeable v1 = new Closeable();
    ModelSlot<Closeable> slot = new ModelSlot<>(v1, "v1");
    slot.swap(new Closeable(), "v2");
    assertThat(v1.closes).hasValue(1);
    assertThat(slot.version()).isEqualTo("v2");
  }

  @Test
  void close_closesTheServedModelAndRefusesLeases() {
    Closeable v1 = new Closeable();
    ModelSlot<Closeable> slot = new ModelSlot<>(v1, "v1");
    slot.close();
    assertThat(v1.closes).hasValue(1);
    assertThatThrownBy(slot::acquire).hasMessage("model slot is closed");
  }

  @Test
  void acquire_fromManyThreadsDuringSwaps_neverHandsOutAClosedModel() throws Exception {
    ModelSlot<Closeable> slot = new ModelSlot<>(new Closeable(), "v0");
    AtomicInteger bad = new AtomicInteger();
    Thread[] users = new Thread[4];
    for (int t = 0; t < users.length; t++) {
      users[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 20_000; i++) {
                  try (ModelSlot.Lease<Closeable> l = slot.acquire()) {
                    if (l.model().closes.get() != 0) {
                      bad.incrementAndGet();
                    }
                  }
                }
              });
      users[t].start();
    }
    for (int v = 1; v <= 500; v++) {
      slot.swap(new Closeable(), "v" + v);
    }
    for (Thread t : users) {
      t.join();
    }
    assertThat(bad).hasValue(0);
  }
}
