package io.openmede.ingest.source;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.bytedeco.ffmpeg.global.avdevice;
import org.bytedeco.javacpp.Loader;

/**
 * A V4L2 camera ({@code /dev/video0}, ...) read with FFmpeg's {@code video4linux2} input. Live:
 * reconnects like {@link UrlSource} when the device stops delivering frames. Capture times are the
 * wall clock when each frame is decoded.
 */
public final class CameraSource implements FrameSource {
  private final Path device;
  private final LiveFfmpegSource live;
  private static boolean devicesRegistered;
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

  /**
   * Registers FFmpeg's device inputs ({@code video4linux2}), which live in libavdevice. That
   * library links PulseAudio: without {@code libpulse.so.0} it does not load.
   */
  private static synchronized void registerDevices() throws SourceException {
    if (devicesRegistered) {
      return;
    }
    try {
      Loader.load(avdevice.class);
      avdevice.avdevice_register_all();
      devicesRegistered = true;
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new SourceException(
          "camera capture needs FFmpeg's libavdevice, which failed to load ("
              + e.getMessage()
              + "); on Debian or Ubuntu install libpulse0",
          e);
    }
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
    registerDevices();
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
