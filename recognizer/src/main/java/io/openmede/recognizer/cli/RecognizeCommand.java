package io.openmede.recognizer.cli;

import io.openmede.recognizer.RecognizerService;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.schemas.topic.Cluster;
import io.openmede.settings.ConfigOptions;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code openmede recognize}: runs the recognizer until interrupted. */
@Command(
    name = "recognize",
    mixinStandardHelpOptions = true,
    description =
        "Recognize actions in the frames topic against the live vocabulary, following announced"
            + " checkpoints; writes the recognitions topic.")
public final class RecognizeCommand implements Callable<Integer> {

  @Mixin ConfigOptions config;

  @Option(
      names = "--http",
      paramLabel = "PORT",
      description = "Port of the live page (reserved; served by a later version).")
  Integer http;

  /** Every settings group the command reads. */
  public static List<SettingsGroup> groups() {
    List<SettingsGroup> g = new ArrayList<>(Cluster.GROUPS);
    g.add(RecognizerSettings.GROUP);
    return g;
  }

  @Override
  public Integer call() throws Exception {
    Settings s = config.resolve(groups());
    if (http != null) {
      System.err.println("--http " + http + ": the live page is not part of this version yet");
    }
    Cluster cluster = Cluster.from(s);
    if (s.get(Cluster.CREATE_TOPICS)) {
      cluster.ensureTopics();
    }
    CountDownLatch stop = new CountDownLatch(1);
    try (RecognizerService service =
        RecognizerService.start(cluster, RecognizerSettings.from(s), Map.of())) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    service.close();
                    stop.countDown();
                  },
                  "recognizer-shutdown"));
      stop.await();
    }
    return 0;
  }
}
