package io.openmede.events.it;

import io.openmede.events.EventsService;
import io.openmede.events.EventsSettings;
import io.openmede.events.cli.EventsCommand;
import io.openmede.schemas.topic.Cluster;
import io.openmede.settings.Settings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The events service in its own JVM for the kill -9 test: arguments are {@code name=value}
 * settings. Prints {@code RUNNING} once Kafka Streams runs, then serves until killed.
 */
public final class EventsProcessMain {

  private EventsProcessMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> values = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      values.put(a.substring(0, eq), a.substring(eq + 1));
    }
    Settings s = Settings.of(EventsCommand.groups(), values);
    EventsService service =
        EventsService.start(Cluster.from(s), EventsSettings.from(s), EventsIT.QUICK);
    if (service.awaitRunning(Duration.ofSeconds(60))) {
      System.out.println("RUNNING");
      System.out.flush();
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
