package io.openmede.trainer;

import io.openmede.schemas.topic.ConnectionSettings;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.Settings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trainer process for the kill -9 test: the real {@link TrainerService} on the tiny settings of
 * {@link TestClips}, printing one line per update ({@code UPDATE n clip,clip,...}). With a pause
 * update given, it stops after that update and waits to be killed.
 *
 * <p>Arguments: bootstrap servers, registry URL, state dir, checkpoint dir, K, stop-after, pause
 * after (0 for none).
 */
public final class ResumableTrainerMain {

  private ResumableTrainerMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> values =
        new HashMap<>(TestClips.tinySettings(args[2], args[3], Integer.parseInt(args[4])));
    values.put("trainer.stop-after-updates", args[5]);
    values.put(ConnectionSettings.BOOTSTRAP_SERVERS.name(), args[0]);
    values.put(ConnectionSettings.REGISTRY_URL.name(), args[1]);
    long pauseAfter = Long.parseLong(args[6]);
    Settings settings =
        Settings.of(
            List.of(TrainerSettings.GROUP, InputBounds.GROUP, ConnectionSettings.GROUP), values);
    try (TrainerService service =
        TrainerService.create(
            TrainerSettings.from(settings),
            io.openmede.schemas.topic.Cluster.local(args[0], args[1]))) {
      service
          .loop()
          .setUpdateListener(
              (updates, ids, report) -> {
                System.out.println("UPDATE " + updates + " " + String.join(",", ids));
                System.out.flush();
                if (updates == pauseAfter) {
                  System.out.println("PAUSED");
                  System.out.flush();
                  try {
                    Thread.sleep(600_000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
              });
      service.run();
    }
    System.out.println("DONE");
    System.out.flush();
    System.exit(0);
  }
}
