package io.openmede.ingest.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Lists the video or image files of a directory tree in path order. */
final class MediaFiles {
  static final Set<String> VIDEO_EXTENSIONS =
      Set.of(
          "mp4", "m4v", "mov", "mkv", "webm", "avi", "mpg", "mpeg", "ts", "flv", "wmv", "3gp",
          "ogv");
  static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");

  private MediaFiles() {}

  static List<Path> list(Path dir, Set<String> extensions, String kind) throws SourceException {
    if (!Files.isDirectory(dir)) {
      throw new SourceException("directory " + dir + " does not exist or is not a directory");
    }
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> found =
          files
              .filter(Files::isRegularFile)
              .filter(p -> hasExtension(p, extensions))
              .sorted()
              .toList();
      if (found.isEmpty()) {
        throw new SourceException(
            "directory "
                + dir
                + " holds no "
                + kind
                + " files ("
                + String.join(", ", extensions.stream().sorted().toList())
                + ")");
      }
      return found;
    } catch (IOException e) {
      throw new SourceException("cannot list directory " + dir + ": " + e.getMessage(), e);
    }
  }

  static boolean hasExtension(Path p, Set<String> extensions) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && extensions.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
