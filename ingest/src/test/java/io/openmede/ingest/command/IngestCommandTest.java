package io.openmede.ingest.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.ingest.source.TestVideos;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class IngestCommandTest {

  @ParameterizedTest
  @ValueSource(strings = {"file", "dir", "url", "camera", "images", "list"})
  void help_everySubcommand_listsTheSharedOptions(String sub) {
    StringWriter out = new StringWriter();
    CommandLine cmd = new CommandLine(new IngestCommand());
    cmd.setOut(new PrintWriter(out));
    int rc = cmd.execute(sub, "--help");
    assertThat(rc).isZero();
    assertThat(out.toString())
        .contains("--bootstrap-servers")
        .contains("--registry-url")
        .contains("--max-message-bytes")
        .contains("--jpeg-quality")
        .contains("--size");
    if (!sub.equals("list")) {
      assertThat(out.toString())
          .contains("--fps")
          .contains("--stream-id")
          .contains("--realtime")
          .contains("--loop");
    }
  }

  @Test
  void benchIngest_readsTheClipToItsLastFrame_andEndsWithAResultLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int rc;
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      rc =
          new CommandLine(new BenchIngestCommand())
              .execute("--input", TestVideos.path(TestVideos.TEST_AVI).toString(), "--repeat", "1");
    } finally {
      System.setOut(original);
    }
    assertThat(rc).isZero();
    String[] lines = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertThat(lines[lines.length - 1]).startsWith("RESULT frames=164 frames_per_s=");
  }

  @Test
  void streamIdOf_keepsOnlyKeySafeCharacters() {
    assertThat(IngestCommand.streamIdOf("cam host:554/live stream"))
        .isEqualTo("cam-host-554-live-stream");
  }
}
