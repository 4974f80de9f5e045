package io.openmede.trainer.cli;

import io.openmede.platform.service.ServiceSkeleton;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.ConnectionSettings;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.ConfigOptions;
import io.openmede.settings.SettingsGroup;
import io.openmede.trainer.TrainerService;
import io.openmede.trainer.TrainerSettings;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code openmede train}: runs the trainer until interrupted, saving its state on the way out. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Continuous Open-MeDe training on the labeled-clips topic, with Gaussian-weight-averaged"
          + " checkpoints announced on the checkpoints topic.",
      "Exits 1 if its training loop dies, so that a supervisor restarts it."
    })
public final class TrainCommand implements Callable<Integer> {

  /** The setting groups this command reads. */
  public static final List<SettingsGroup> GROUPS =
      List.of(
          TrainerSettings.GROUP, InputBounds.GROUP, ConnectionSettings.GROUP, Cluster.TOPICS_GROUP);

  @Mixin ConfigOptions config;

  @Override
  public Integer call() throws Exception {
    return ServiceSkeleton.run(
        "trainer",
        config.resolve(GROUPS),
        s ->
            TrainerService.create(
                    TrainerSettings.from(s), Cluster.from(s), s.get(Cluster.CREATE_TOPICS))
                .startLoop(),
        System.err);
  }
}
