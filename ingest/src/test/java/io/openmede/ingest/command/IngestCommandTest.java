package io.openmede.ingest.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
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
  void streamIdOf_keepsOnlyKeySafeCharacters() {
    assertThat(IngestCommand.streamIdOf("cam host:554/live stream"))
        .isEqualTo("cam-host-554-live-stream");
  }
}
