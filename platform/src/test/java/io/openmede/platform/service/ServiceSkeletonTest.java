package io.openmede.platform.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.platform.health.Health;
import io.openmede.settings.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServiceSkeletonTest {

  private static final Settings NONE = Settings.defaults(List.of());

  /** A service that finishes at once, or whose core dies at once. */
  private static final class Quick implements RunningService {
    final Health health = new Health("quick");
    final AtomicInteger closes = new AtomicInteger();
    final CompletableFuture<Void> finished = new CompletableFuture<>();

    @Override
    public Health health() {
      return health;
    }

    @Override
    public CompletionStage<Void> finished() {
      return finished;
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  @Test
  void aServiceThatFinishes_exits0_andIsClosedOnce() throws Exception {
    Quick q = new Quick();
    q.finished.complete(null);
    PrintStream err = new PrintStream(new ByteArrayOutputStream(), true);
    assertThat(ServiceSkeleton.run("quick", NONE, s -> q, err)).isZero();
    assertThat(q.closes).hasValue(1);
  }

  @Test
  void aServiceWhoseCoreDies_exits1_saysWhy_andIsClosed() throws Exception {
    Quick q = new Quick();
    q.health.fail("core", "it broke");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    assertThat(ServiceSkeleton.run("quick", NONE, s -> q, new PrintStream(bytes, true)))
        .isEqualTo(1);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("core: it broke");
    assertThat(q.closes).hasValue(1);
  }

  @Test
  void aStartThatThrows_throwsWhatItThrew() {
    PrintStream err = new PrintStream(new ByteArrayOutputStream(), true);
    assertThatThrownBy(
            () ->
                ServiceSkeleton.run(
                    "quick",
                    NONE,
                    s -> {
                      throw new IllegalStateException("port 9400 is in use");
                    },
                    err))
        .hasMessage("port 9400 is in use");
  }
}
