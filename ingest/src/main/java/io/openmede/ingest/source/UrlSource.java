package io.openmede.ingest.source;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A network stream read with FFmpeg: RTSP, HTTP(S) (progressive files, MJPEG, HLS playlists), SRT,
 * RTMP, UDP/RTP. Live: when the stream breaks or ends, the source reconnects with the given {@link
 * Reconnect} policy and sequence numbers continue where they stopped. Capture times are the wall
 * clock of {@link SourceOptions#clock()} when each frame is decoded.
 *
 * <p>Blocking reads are bounded by {@code ioTimeout}, which is also how soon {@link #close()} from
 * another thread takes effect. With {@code listen} the source is the server: it waits for a
 * publisher to connect ({@code rtsp_flags=listen} for RTSP, {@code listen=1} otherwise).
 */
public final class UrlSource implements FrameSource {
  private final String url;
  private final LiveFfmpegSource live;

  /**
   * @param url the stream URL
   * @param options size and clock ({@code loop} is ignored)
   * @param reconnect the reconnection policy
   * @param ioTimeout the longest a read, connect or listen may block
   * @param listen whether to wait for a publisher instead of connecting
   * @param extraOptions further FFmpeg options ({@code rtsp_transport=tcp}, ...), applied last
   */
  public UrlSource(
      String url,
      SourceOptions options,
      Reconnect reconnect,
      Duration ioTimeout,
      boolean listen,
      Map<String, String> extraOptions) {
    this.url = Objects.requireNonNull(url, "url");
    String scheme = scheme(url);
    Map<String, String> ffmpeg = new HashMap<>();
    long micros = ioTimeout.toNanos() / 1000;
    ffmpeg.put("rw_timeout", Long.toString(micros));
    // FFmpeg probes 5 s of a stream by default before the first frame; 1 s finds the codec
    // parameters of ordinary streams and halves the wait on every reconnection.
    ffmpeg.put("analyzeduration", "1000000");
    if (scheme.startsWith("rtsp")) {
      ffmpeg.put("timeout", Long.toString(micros));
      if (listen) {
        ffmpeg.put("rtsp_flags", "listen");
        ffmpeg.put("listen_timeout", Long.toString(Math.max(1, ioTimeout.toSeconds())));
      }
    } else if (listen) {
      ffmpeg.put("listen", "1");
      ffmpeg.put("listen_timeout", Long.toString(Math.max(1, ioTimeout.toMillis())));
    }
    ffmpeg.putAll(extraOptions);
    this.live = new LiveFfmpegSource(url, Optional.empty(), ffmpeg, options, reconnect);
  }

  /** Connects to {@code url} with the default reconnect policy and a 10 s I/O timeout. */
  public UrlSource(String url) {
    this(
        url,
        SourceOptions.defaults(),
        Reconnect.defaults(),
        Duration.ofSeconds(10),
        false,
        Map.of());
  }

  private static String scheme(String url) {
    int colon = url.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "'" + url + "' is not a URL; expected rtsp://, http(s)://, srt://, rtmp:// or udp://");
    }
    return url.substring(0, colon).toLowerCase(Locale.ROOT);
  }

  @Override
  public void open() throws SourceException {
    live.open();
  }

  @Override
  public Optional<DecodedFrame> next() throws SourceException {
    return live.next();
  }

  @Override
  public boolean live() {
    return true;
  }

  @Override
  public String description() {
    return url;
  }

  /** Successful connections so far: 1 after the first, one more per reconnection. */
  public long connections() {
    return live.connections();
  }

  @Override
  public void close() {
    live.close();
  }
}
