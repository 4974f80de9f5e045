package io.openmede.events.cli;

import io.openmede.events.clips.ClipSettings;
import io.openmede.events.clips.ClipStore;
import io.openmede.events.clips.DirectoryClipStore;
import io.openmede.settings.ConfigOptions;
import io.openmede.settings.Settings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code openmede events clips} and {@code openmede events clip}: the clip store by hand. */
final class ClipCommands {
  private ClipCommands() {}

  static ClipStore open(ConfigOptions config) throws IOException {
    Settings s = config.resolve(List.of(ClipSettings.SETTINGS_GROUP));
    ClipSettings c = ClipSettings.from(s);
    if (!Files.isDirectory(c.dir())) {
      throw new IOException(
          "no clip store at "
              + c.dir().toAbsolutePath()
              + ": give the events service's clips.dir (--set clips.dir=DIR or"
              + " OPENMEDE_CLIPS_DIR)");
    }
    return new DirectoryClipStore(c.dir(), c.maxBytes());
  }

  /** One line about a clip. */
  static String describe(ClipStore.Entry e) {
    return String.format(
        Locale.ROOT,
        "%-40s %-16s %-20s rule %-12s %s  %5.1f s  %4d frames %dx%d  %8d bytes%s%s",
        e.eventId(),
        e.streamId(),
        e.label(),
        e.rule(),
        e.startedAt(),
        e.durationMillis() / 1000.0,
        e.frames(),
        e.width(),
        e.height(),
        e.sizeBytes(),
        e.cut() ? "  cut" : "",
        e.keep() ? "  KEEP" : "");
  }

  /** {@code events clips}: lists the stored clips, oldest first. */
  @Command(
      name = "clips",
      mixinStandardHelpOptions = true,
      description = {
        "List the clips in the clip store (clips.dir), oldest first: event id, stream, label, rule,"
            + " start, length, size, and KEEP when retention spares it.",
        "Fetch one with: openmede events clip EVENT_ID --out FILE"
      })
  static final class ListClips implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Option(names = "--stream", description = "Only this stream's clips.")
    String stream;

    @Option(names = "--label", description = "Only clips of this label.")
    String label;

    @Override
    public Integer call() throws IOException {
      ClipStore store = open(config);
      long total = 0;
      int n = 0;
      for (ClipStore.Entry e : store.list()) {
        if ((stream != null && !stream.equals(e.streamId()))
            || (label != null && !label.equals(e.label()))) {
          continue;
        }
        System.out.println(describe(e));
        total += e.sizeBytes();
        n++;
      }
      System.out.println(n + " clip(s), " + total + " bytes");
      return 0;
    }
  }

  /** {@code events clip EVENT_ID}: fetch, keep, release or delete one clip. */
  @Command(
      name = "clip",
      mixinStandardHelpOptions = true,
      description = {
        "Fetch one event's clip (an H.264 MP4) from the clip store, or mark it keep (retention"
            + " never deletes it), release the mark, or delete it.",
        "Example: openmede events clip 'falls/cam-3/1840' --out fall.mp4"
      })
  static final class OneClip implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Parameters(
        index = "0",
        paramLabel = "EVENT_ID",
        description = "The event id (rule/stream/first frame).")
    String eventId;

    static final class Action {
      @Option(names = "--out", paramLabel = "FILE", description = "Write the MP4 to FILE.")
      Path out;

      @Option(
          names = "--thumbnail",
          paramLabel = "FILE",
          description = "Write the JPEG thumbnail to FILE.")
      Path thumbnail;

      @Option(names = "--keep", description = "Mark the clip keep: retention never deletes it.")
      boolean keep;

      @Option(names = "--release", description = "Remove the keep mark.")
      boolean release;

      @Option(names = "--delete", description = "Delete the clip now (kept or not).")
      boolean delete;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    @Override
    public Integer call() throws IOException {
      ClipStore store = open(config);
      Optional<ClipStore.Entry> found = store.find(eventId);
      if (found.isEmpty()) {
        System.err.println(
            "events: no clip of "
                + eventId
                + " in the store (list them with openmede events clips; a clip may have been"
                + " deleted by retention, or its frames were gone: see the clips topic)");
        return 1;
      }
      ClipStore.Entry e = found.get();
      if (action.out != null) {
        Path tmp = Files.createTempFile(action.out.toAbsolutePath().getParent(), ".clip-", ".mp4");
        try (SeekableByteChannel in = store.openVideo(e);
            OutputStream out = Files.newOutputStream(tmp)) {
          Channels.newInputStream(in).transferTo(out);
        }
        Files.move(tmp, action.out, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("wrote " + action.out + ": " + describe(e));
      } else if (action.thumbnail != null) {
        Files.write(action.thumbnail, store.thumbnail(e));
        System.out.println("wrote " + action.thumbnail);
      } else if (action.keep || action.release) {
        store.keep(eventId, action.keep);
        System.out.println((action.keep ? "kept " : "released ") + eventId);
      } else if (action.delete) {
        store.delete(eventId);
        System.out.println("deleted " + eventId);
      }
      return 0;
    }
  }
}
