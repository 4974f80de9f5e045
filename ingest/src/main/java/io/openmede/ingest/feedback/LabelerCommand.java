package io.openmede.ingest.feedback;

import io.openmede.platform.service.ServiceSkeleton;
import io.openmede.schemas.topic.Cluster;
import io.openmede.settings.ConfigOptions;
import io.openmede.settings.SettingsGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code openmede labeler}: feedback becomes labeled clips, until stopped. */
@Command(
    name = "labeler",
    mixinStandardHelpOptions = true,
    description = {
      "Turn feedback (openmede feedback, the live page) into labeled clips of exactly the"
          + " window's frames, read back from the frames topic; refusals go to dead letters.",
      "Exits 1 if its core dies, so that a supervisor restarts it."
    })
public final class LabelerCommand implements Callable<Integer> {

  @Mixin ConfigOptions config;

  /** Every settings group the command reads. */
  public static List<SettingsGroup> groups() {
    List<SettingsGroup> g = new ArrayList<>(Cluster.GROUPS);
    g.add(LabelerSettings.SETTINGS);
    return g;
  }

  @Override
  public Integer call() throws Exception {
    return ServiceSkeleton.run(
        "labeler",
        config.resolve(groups()),
        s -> LabelerService.start(Cluster.connect(s), LabelerSettings.from(s)),
        System.err);
  }
}
