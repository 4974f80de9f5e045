package io.openmede.trainer.cli;

import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.ConnectionSettings;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsGroup;
import io.openmede.trainer.TrainerService;
import io.openmede.trainer.TrainerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code openmede train}: runs the trainer until interrupted, saving its state on the way out. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Continuous Open-MeDe training on the labeled-clips topic, with Gaussian-weight-averaged"
            + " checkpoints announced on the checkpoints topic.")
public final class TrainCommand implements Callable<Integer> {

  /** The setting groups this command reads. */
  public static final List<SettingsGroup> GROUPS =
      List.of(
          TrainerSettings.GROUP, InputBounds.GROUP, ConnectionSettings.GROUP, Cluster.TOPICS_GROUP);

  @Option(names = "--config", description = "Settings file (name = value lines).")
  Path config;

  @Option(names = "--set", description = "A setting as name=value; repeatable.")
  Map<String, String> flags = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    return run(Settings.resolve(GROUPS, Optional.ofNullable(config), System.getenv(), flags));
  }

  /** Runs the trainer with resolved settings (the launcher's entry point). */
  public static int run(Settings settings) throws Exception {
    TrainerSettings trainer = TrainerSettings.from(settings);
    Cluster cluster = Cluster.from(settings);
    try (TrainerService service =
        TrainerService.create(trainer, cluster, settings.get(Cluster.CREATE_TOPICS))) {
      Thread hook = new Thread(() -> service.stop(Duration.ofSeconds(60)), "trainer-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      service.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
    return 0;
  }
}
