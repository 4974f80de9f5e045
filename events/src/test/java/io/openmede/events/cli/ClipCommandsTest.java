package io.openmede.events.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.events.clips.ClipStore;
import io.openmede.events.clips.DirectoryClipStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ClipCommandsTest {

  @TempDir Path tmp;

  record Run(int status, String out) {}

  Run run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      int status = new CommandLine(new EventsCommand()).execute(args);
      return new Run(status, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  @Test
  void clipsListsTheStore_clipFetchesKeepsAndDeletes() throws Exception {
    Path dir = tmp.resolve("clips");
    DirectoryClipStore store = new DirectoryClipStore(dir, 1 << 20);
    Path video = Files.write(tmp.resolve("v.mp4"), new byte[] {0, 1, 2, 3, 4});
    store.put(
        new ClipStore.Description(
            "falls/cam-3/1840",
            "falls",
            "cam-3",
            "falling",
            Instant.parse("2026-01-01T03:00:00Z"),
            Instant.parse("2026-01-01T03:00:04Z"),
            5000,
            50,
            160,
            120,
            false),
        video,
        new byte[] {9});
    String set = "--set=clips.dir=" + dir;

    Run list = run("clips", set);
    assertThat(list.status()).isZero();
    assertThat(list.out()).contains("falls/cam-3/1840").contains("1 clip(s), 5 bytes");

    Path out = tmp.resolve("fall.mp4");
    assertThat(run("clip", "falls/cam-3/1840", "--out", out.toString(), set).status()).isZero();
    assertThat(Files.readAllBytes(out)).containsExactly(0, 1, 2, 3, 4);

    assertThat(run("clip", "falls/cam-3/1840", "--keep", set).status()).isZero();
    assertThat(run("clips", set).out()).contains("KEEP");

    assertThat(run("clip", "falls/cam-3/1840", "--delete", set).status()).isZero();
    assertThat(run("clip", "falls/cam-3/1840", "--out", out.toString(), set).status()).isEqualTo(1);
    assertThat(run("clips", set).out()).contains("0 clip(s)");
  }

  @Test
  void aMissingStore_saysWhichSettingToGive() {
    assertThat(run("clips", "--set=clips.dir=" + tmp.resolve("nothing")).status()).isNotZero();
  }
}
