package io.openmede.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.embedded.EmbeddedKafka;
import io.openmede.embedded.EmbeddedPlatform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code openmede recognize} as a supervisor runs it, against a broker that refuses its
 * transactions (the broker's {@code transaction.max.timeout.ms} is below the exactly-once
 * producer's transaction timeout: a real misconfiguration): every stream thread fails as it starts,
 * the replacements fail as fast, Kafka Streams goes to ERROR, and the process says why and exits 1
 * instead of lingering as a process that looks alive.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RecognizeExitsWhenStreamsDiesIT {

  private static final Path ROOT =
      Path.of(System.getProperty("openmede.root", "..")).toAbsolutePath().normalize();

  @TempDir Path temp;

  @Test
  void aKafkaStreamsClientThatDies_endsTheProcessWithStatus1SayingWhy() throws Exception {
    try (EmbeddedPlatform platform =
        EmbeddedPlatform.start(
            EmbeddedKafka.builder()
                .optDataDir(temp.resolve("kafka"))
                .optBrokerProperty("transaction.max.timeout.ms", "1000"),
            0)) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      // kept after the test, for a reader of a failure
      Path log = ROOT.resolve("cli/target/recognize-exits.log");
      ProcessBuilder pb =
          new ProcessBuilder(
              java,
              "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.openmede.schemas.avro",
              "-cp",
              ROOT.resolve("cli/target/openmede.jar") + ":" + ROOT.resolve("cli/target/lib") + "/*",
              "io.openmede.cli.Main",
              "recognize",
              "--set",
              "kafka.bootstrap.servers=" + platform.bootstrapServers(),
              "--set",
              "schema.registry.url=" + platform.registryUrl(),
              "--set",
              "recognizer.state.dir=" + temp.resolve("state"),
              // each replaced thread fails only after the dead one's session timed out
              "--set",
              "recognizer.consumer.session.timeout=6s");
      pb.environment().put("DJL_OFFLINE", "true");
      pb.redirectErrorStream(true);
      pb.redirectOutput(log.toFile());
      Process p = pb.start();
      try {
        boolean exited = p.waitFor(180, TimeUnit.SECONDS);
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(exited).as("recognize exits; its output:%n%s", tail(out)).isTrue();
        assertThat(p.exitValue()).as(tail(out)).isEqualTo(1);
        assertThat(out)
            .contains("stream thread failed again")
            .contains("recognizer is no longer live: streams: Kafka Streams is")
            .contains("recognizer: stopped because its core died")
            .contains("Kafka Streams");
      } finally {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static String tail(String s) {
    List<String> lines = s.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }
}
