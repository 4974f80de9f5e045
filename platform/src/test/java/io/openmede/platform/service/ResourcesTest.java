package io.openmede.platform.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourcesTest {

  private record Named(String name, List<String> closed) implements AutoCloseable {
    @Override
    public void close() {
      closed.add(name);
    }
  }

  @Test
  void close_closesNewestFirst_eachOnce() {
    List<String> closed = new ArrayList<>();
    Resources r = new Resources("test");
    r.add(new Named("model", closed));
    r.add(new Named("producer", closed));
    r.onClose("watch", () -> closed.add("watch"));
    r.close();
    r.close();
    assertThat(closed).containsExactly("watch", "producer", "model");
  }

  @Test
  void aStartThatThrows_closesWhatItOpened_andKeepHandsOverTheRest() {
    List<String> closed = new ArrayList<>();
    assertThatThrownBy(
            () -> {
              try (Resources opened = new Resources("test")) {
                opened.add(new Named("model", closed));
                opened.add(new Named("streams", closed));
                throw new IllegalStateException("new KafkaStreams failed");
              }
            })
        .hasMessage("new KafkaStreams failed");
    assertThat(closed).containsExactly("streams", "model");

    closed.clear();
    Resources kept;
    try (Resources opened = new Resources("test")) {
      opened.add(new Named("model", closed));
      kept = opened.keep();
    }
    assertThat(closed).isEmpty();
    kept.close();
    assertThat(closed).containsExactly("model");
  }

  @Test
  void aCloseThatFails_doesNotStopTheOthers() {
    List<String> closed = new ArrayList<>();
    Resources r = new Resources("test");
    r.add(new Named("first", closed));
    r.add(
        (AutoCloseable)
            () -> {
              throw new IllegalStateException("broken");
            });
    r.add(new Named("last", closed));
    r.close();
    assertThat(closed).containsExactly("last", "first");
  }
}
