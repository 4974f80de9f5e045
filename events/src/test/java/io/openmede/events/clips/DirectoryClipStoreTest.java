package io.openmede.events.clips;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DirectoryClipStoreTest extends ClipStoreContract {

  Instant now = Instant.parse("2026-01-01T04:00:00Z");
  Path root;

  @Override
  ClipStore store() throws Exception {
    root = tmp.resolve("store");
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now;
          }
        };
    return new DirectoryClipStore(root, 1_000_000, clock);
  }

  @Override
  void advance(long millis) {
    now = now.plusMillis(millis);
  }

  @Test
  void aClipIsThreeFilesNamedByTheHash_andTemporaryFilesGoAtTheNextOpen() throws Exception {
    ClipStore s = store();
    s.put(what("falls/cam-1/0"), video(10), new byte[] {1});
    Files.write(root.resolve(".tmp-left-by-a-crash"), new byte[] {1});
    String name = DirectoryClipStore.nameOf("falls/cam-1/0");
    new DirectoryClipStore(root, 1000);
    try (Stream<Path> files = Files.list(root)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(name + ".mp4", name + ".jpg", name + ".json");
    }
  }

  @Test
  void aVideoOverTheLimit_isRefusedWithTheSettingToChange() throws Exception {
    ClipStore s = new DirectoryClipStore(tmp.resolve("small"), 100);
    assertThatThrownBy(() -> s.put(what("a"), video(101), new byte[] {1}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("clips.max-bytes");
    assertThat(s.list()).isEmpty();
  }

  @Test
  void aManifestThatNamesAnotherEvent_isIgnored() throws Exception {
    ClipStore s = store();
    s.put(what("a"), video(10), new byte[] {1});
    Path manifest = root.resolve(DirectoryClipStore.nameOf("a") + ".json");
    Files.writeString(manifest, Files.readString(manifest).replace("\"a\"", "\"b\""));
    assertThat(s.list()).isEmpty();
    assertThat(s.find("b")).isEmpty();
  }
}
