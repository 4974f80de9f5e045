package io.openmede.cli.demo;

import io.openmede.schemas.avro.ClipMade;
import io.openmede.schemas.avro.ClipStatus;
import io.openmede.schemas.topic.Cluster;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The demo's line for each episode's clip as its record is committed: {@code demo: clip of
 * EVENT_ID: frames, seconds, bytes, file} (or why there is none), printed by a {@link TopicPrinter}
 * started before the services, so no clip is missed.
 */
final class ClipPrinter {
  private ClipPrinter() {}

  /**
   * Starts printing each clip record committed from now on.
   *
   * @param dir the clip store's directory, to print where a clip's file is
   */
  static TopicPrinter<ClipMade> start(Cluster cluster, Path dir, PrintStream out) {
    return new TopicPrinter<>(
            cluster,
            cluster.topics().clips(),
            "clip",
            Duration.ofMillis(500),
            c -> line(c, dir),
            out)
        .start();
  }

  static String line(ClipMade c, Path dir) {
    if (c.getStatus() != ClipStatus.MADE) {
      return "demo: no clip of " + c.getEventId() + " (" + c.getStatus() + "): " + c.getReason();
    }
    String uri = c.getUri();
    String file = uri.startsWith("clips:") ? dir.resolve(uri.substring(6)).toString() : uri;
    return String.format(
        Locale.ROOT,
        "demo: clip of %s: %d frames, %.1f s, %d bytes, %s (openmede events clip %s --out FILE)",
        c.getEventId(),
        c.getFrames(),
        c.getDurationMillis() / 1000.0,
        c.getSizeBytes(),
        file,
        c.getEventId());
  }
}
