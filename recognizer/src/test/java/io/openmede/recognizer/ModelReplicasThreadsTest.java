package io.openmede.recognizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.model.TorchThreads;
import org.junit.jupiter.api.Test;

class ModelReplicasThreadsTest {

  private static final String PROPERTY = "ai.djl.pytorch.num_threads";

  @Test
  void applyModelThreads_setsTheEngineProperty_onlyWhenNoneIsSetYet() {
    String saved = System.getProperty(PROPERTY);
    String savedInterop = System.getProperty("ai.djl.pytorch.num_interop_threads");
    try {
      System.clearProperty(PROPERTY);
      ModelReplicas.applyModelThreads(0);
      assertThat(System.getProperty(PROPERTY)).as("0 keeps DJL's default").isNull();
      assertThat(TorchThreads.singleThreaded()).isFalse();

      ModelReplicas.applyModelThreads(1);
      assertThat(System.getProperty(PROPERTY)).isEqualTo("1");
      assertThat(TorchThreads.singleThreaded())
          .as("one intra-op thread: scoring threads may get a CPU of their own")
          .isTrue();

      ModelReplicas.applyModelThreads(4);
      assertThat(System.getProperty(PROPERTY))
          .as("a value set before (a JVM option) is kept")
          .isEqualTo("1");
    } finally {
      restore(PROPERTY, saved);
      restore("ai.djl.pytorch.num_interop_threads", savedInterop);
    }
  }

  private static void restore(String name, String value) {
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }
}
