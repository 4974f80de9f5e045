package io.openmede.recognizer.it;

import io.openmede.recognizer.RecognizerService;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.recognizer.cli.RecognizeCommand;
import io.openmede.schemas.topic.Cluster;
import io.openmede.settings.Settings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A recognizer in its own JVM for the crash test: arguments are {@code name=value} settings. Prints
 * {@code RUNNING} once Kafka Streams runs, then serves until killed.
 */
public final class RecognizerProcessMain {

  private RecognizerProcessMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> values = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      values.put(a.substring(0, eq), a.substring(eq + 1));
    }
    Settings s = Settings.of(RecognizeCommand.groups(), values);
    RecognizerService service =
        RecognizerService.start(
            Cluster.from(s), RecognizerSettings.from(s), RecognizerHarness.STREAMS_OVERRIDES);
    if (service.awaitRunning(java.time.Duration.ofSeconds(60))) {
      System.out.println("RUNNING");
      System.out.flush();
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
