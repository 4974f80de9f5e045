package io.openmede.ingest.source;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The video files of a directory tree, one after the other in path order, as one stream: sequence
 * numbers and capture times continue from file to file. Finite unless {@link SourceOptions#loop()}
 * is set; not live. Files that cannot be opened or decoded are skipped and listed in {@link
 * #failures()}; the rest of the directory continues.
 */
public final class VideoDirectorySource implements FrameSource {
  private final Path dir;
  private final SourceOptions options;
  private final List<String> failures = new ArrayList<>();

  private List<Path> files;
  private int index;
  private VideoFileSource current;
  private long sequence;
  private Instant nextFileStart;
  private Instant lastCapture;
  private Duration lastFrameGap = Duration.ZERO;
  private Instant currentOpenedAt;
  private Instant currentFirstCapture;
  private boolean framesThisPass;
  private volatile boolean closed;

  public VideoDirectorySource(Path dir, SourceOptions options) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  public synchronized void open() throws SourceException {
    if (files != null || closed) {
      return;
    }
    files = MediaFiles.list(dir, MediaFiles.VIDEO_EXTENSIONS, "video");
    nextFileStart = options.clock().instant();
  }

  @Override
  public synchronized Optional<DecodedFrame> next() throws SourceException {
    if (closed) {
      return Optional.empty();
    }
    open();
    while (true) {
      if (current == null && !openNextFile()) {
        return Optional.empty();
      }
      Optional<DecodedFrame> frame;
      try {
        frame = current.next();
      } catch (SourceException e) {
        failures.add(e.getMessage());
        frame = Optional.empty();
      }
      if (frame.isPresent()) {
        return Optional.of(restamp(frame.get()));
      }
      current.close();
      current = null;
      if (lastCapture != null) {
        nextFileStart = lastCapture.plus(lastFrameGap);
      }
    }
  }

  private boolean openNextFile() {
    while (true) {
      if (index == files.size()) {
        if (!options.loop() || !framesThisPass) {
          return false;
        }
        index = 0;
        framesThisPass = false;
      }
      Path file = files.get(index++);
      VideoFileSource source = new VideoFileSource(file, options.withLoop(false));
      try {
        source.open();
      } catch (SourceException e) {
        source.close();
        failures.add(e.getMessage());
        continue;
      }
      current = source;
      currentOpenedAt = nextFileStart;
      currentFirstCapture = null;
      double rate = source.frameRate();
      lastFrameGap = rate > 0 ? Duration.ofNanos(Math.round(1e9 / rate)) : Duration.ZERO;
      return true;
    }
  }

  private DecodedFrame restamp(DecodedFrame f) {
    if (currentFirstCapture == null) {
      currentFirstCapture = f.captureTime();
    }
    Instant capture = currentOpenedAt.plus(Duration.between(currentFirstCapture, f.captureTime()));
    lastCapture = capture;
    framesThisPass = true;
    return new DecodedFrame(f.rgb(), f.width(), f.height(), sequence++, capture, f.position());
  }

  /** Files skipped because they could not be opened or decoded, one line each. */
  public synchronized List<String> failures() {
    return List.copyOf(failures);
  }

  @Override
  public boolean live() {
    return false;
  }

  @Override
  public String description() {
    return dir.toString();
  }

  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      if (current != null) {
        current.close();
        current = null;
      }
    }
  }
}
