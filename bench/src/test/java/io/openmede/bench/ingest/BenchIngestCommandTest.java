package io.openmede.bench.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchIngestCommandTest {

  /** MPEG-4 Part 2 320x240, 25 fps, 164 frames: the ingest module's sample clip. */
  private static final Path TEST_AVI = Path.of("../ingest/src/test/resources/videos/test.avi");

  @Test
  void benchIngest_readsTheClipToItsLastFrame_andEndsWithAResultLine() {
    assertThat(TEST_AVI).isRegularFile();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int rc;
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      rc =
          new CommandLine(new BenchIngestCommand())
              .execute("--input", TEST_AVI.toString(), "--repeat", "1");
    } finally {
      System.setOut(original);
    }
    assertThat(rc).isZero();
    String[] lines = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertThat(lines[lines.length - 1]).startsWith("RESULT frames=164 frames_per_s=");
  }
}
