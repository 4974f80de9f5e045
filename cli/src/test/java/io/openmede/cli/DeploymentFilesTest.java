package io.openmede.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The deployment files: the compose file validates with {@code docker-compose config}, the
 * Kubernetes manifests pass a schema check, and the sample configuration is the one the settings
 * table generates. The validators are installed by {@code .ci/run}; without them the test is
 * skipped and says what to install.
 */
class DeploymentFilesTest {
  private static final Path ROOT =
      Path.of(System.getProperty("openmede.root", "..")).toAbsolutePath();

  @Test
  void sampleConfiguration_isGeneratedFromTheSettingsTable() throws Exception {
    Path sample = ROOT.resolve("deploy/openmede.properties");
    assertThat(sample).exists();
    assertThat(Files.readString(sample))
        .as(
            "deploy/openmede.properties is stale: regenerate it with"
                + " ./openmede settings --sample > deploy/openmede.properties")
        .isEqualTo(io.openmede.settings.Settings.sampleFile(AllSettings.groups()));
  }

  @Test
  void composeAndKubernetesFiles_validate() throws Exception {
    assumeTrue(
        onPath("docker-compose"),
        "docker-compose is not installed (apt-get install docker-compose; .ci/run does)");
    assumeTrue(
        Files.isDirectory(ROOT.resolve("deploy/check/node_modules")),
        "the Kubernetes validator is not installed (npm ci --prefix deploy/check; .ci/run does)");
    Process p =
        new ProcessBuilder("bash", "deploy/check/validate.sh")
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("deployment files valid");
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
