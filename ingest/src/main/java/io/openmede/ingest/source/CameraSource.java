package io.openmede.ingest.source;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A V4L2 camera ({@code /dev/video0}, ...) read with FFmpeg's {@code video4linux2} input. Live:
 * reconnects like {@link UrlSource} when the device stops delivering frames. Capture times are the
 * wall clock when each frame is decoded.
 */
public final class CameraSource implements FrameSource {
  private final Path device;
  private final LiveFfmpegSource live;
  private volatile boolean checked;

  /**
   * @param device the V4L2 device node
   * @param options size and clock ({@code loop} is ignored)
   * @param reconnect the reconnection policy
   * @param videoSize the capture size asked of the camera ({@code 640x480}), or empty for its
   *     default
   * @param frameRate the capture rate asked of the camera, or empty for its default
   */
  public CameraSource(
      Path device,
      SourceOptions options,
      Reconnect reconnect,
      Optional<String> videoSize,
      Optional<Double> frameRate) {
    this.device = Objects.requireNonNull(device, "device");
    Map<String, String> ffmpeg = new HashMap<>();
    videoSize.ifPresent(s -> ffmpeg.put("video_size", s));
    frameRate.ifPresent(r -> ffmpeg.put("framerate", Double.toString(r)));
    this.live =
        new LiveFfmpegSource(
            device.toString(), Optional.of("video4linux2"), ffmpeg, options, reconnect);
  }

  public CameraSource(Path device) {
    this(
        device, SourceOptions.defaults(), Reconnect.defaults(), Optional.empty(), Optional.empty());
  }

  @Override
  public void open() throws SourceException {
    checkDevice();
    live.open();
  }

  private void checkDevice() throws SourceException {
    checked = true;
    if (!Files.exists(device)) {
      throw new SourceException(
          "camera device "
              + device
              + " does not exist; connect a V4L2 camera (list them with ls /dev/video*) or pass"
              + " another --device");
    }
    if (!Files.isReadable(device)) {
      throw new SourceException(
          "camera device "
              + device
              + " is not readable by this user; add the user to the 'video' group");
    }
  }

  @Override
  public Optional<DecodedFrame> next() throws SourceException {
    if (!checked) {
      checkDevice();
    }
    return live.next();
  }

  @Override
  public boolean live() {
    return true;
  }

  @Override
  public String description() {
    return device.toString();
  }

  @Override
  public void close() {
    live.close();
  }
}
