package io.openmede.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.openmede.events.clips.ClipStore;
import io.openmede.events.clips.DirectoryClipStore;
import io.openmede.platform.health.Health;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page's clip review over real HTTP, with an H.264 MP4 written by FFmpeg in the store: the
 * listing, range requests (206, Content-Range, 416), the token, keep and delete; and in headless
 * Chromium (when installed) the clip plays and its thumbnail shows (web/e2e/clips-page.mjs).
 */
class ClipReviewIT {
  static final String TOKEN = "clip-review-token";
  static final String EVENT = "falls/cam-3/1840";
  static final Path ROOT =
      Path.of(System.getProperty("openmede.root", "..")).toAbsolutePath().normalize();

  @TempDir Path tmp;
  LivePage page;
  DirectoryClipStore store;
  String base;
  final HttpClient http = HttpClient.newHttpClient();

  static byte[] frame(int i, int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(20, 40, 80));
    g.fillRect(0, 0, w, h);
    g.setColor(Color.ORANGE);
    g.fillOval((i * 6) % (w - 30), h / 2 - 15, 30, 30);
    g.dispose();
    return ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
  }

  /** A 3-second H.264 MP4 of 160×120 at 10 fps, and a JPEG thumbnail. */
  static void clip(Path mp4, Path jpg) throws Exception {
    try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(mp4.toFile(), 160, 120, 0)) {
      r.setFormat("mp4");
      r.setVideoCodec(avcodec.AV_CODEC_ID_H264);
      r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      r.setFrameRate(10);
      r.setVideoOption("movflags", "+faststart");
      r.start();
      for (int i = 0; i < 30; i++) {
        r.recordImage(
            160,
            120,
            Frame.DEPTH_UBYTE,
            3,
            480,
            avutil.AV_PIX_FMT_BGR24,
            ByteBuffer.wrap(frame(i, 160, 120)));
      }
      r.stop();
    }
    BufferedImage t = new BufferedImage(160, 120, BufferedImage.TYPE_3BYTE_BGR);
    t.getRaster().setDataElements(0, 0, 160, 120, frame(10, 160, 120));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(t, "jpg", out);
    Files.write(jpg, out.toByteArray());
  }

  @BeforeEach
  void start() throws Exception {
    store = new DirectoryClipStore(tmp.resolve("clips"), 1 << 24);
    Path mp4 = tmp.resolve("c.mp4");
    Path jpg = tmp.resolve("c.jpg");
    clip(mp4, jpg);
    store.put(
        new ClipStore.Description(
            EVENT,
            "falls",
            "cam-3",
            "falling",
            Instant.parse("2026-01-01T03:00:00Z"),
            Instant.parse("2026-01-01T03:00:02Z"),
            3000,
            30,
            160,
            120,
            false),
        mp4,
        Files.readAllBytes(jpg));
    page =
        new LivePage(
                new LiveState(),
                LivePage.Writers.none(),
                List.of(),
                WebSettings.withToken(TOKEN),
                new Health("page").register("core", Health.Report::ready))
            .withClips(store);
    int port = page.start(0);
    base = "http://127.0.0.1:" + port;
  }

  @AfterEach
  void stop() {
    page.close();
  }

  HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  String id() {
    return java.net.URLEncoder.encode(EVENT, StandardCharsets.UTF_8);
  }

  @Test
  void theClipIsListedAndServedInRanges_onlyWithTheToken() throws Exception {
    byte[] whole = Files.readAllBytes(tmp.resolve("c.mp4"));
    var list = get("/api/clips?label=falling&token=" + TOKEN);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(new String(list.body(), StandardCharsets.UTF_8))
        .contains("\"eventId\":\"" + EVENT + "\"")
        .contains("\"frames\":30");
    assertThat(
            new String(get("/api/clips?label=other&token=" + TOKEN).body(), StandardCharsets.UTF_8))
        .contains("\"clips\":[]");
    assertThat(get("/api/clips").statusCode()).isEqualTo(401);
    assertThat(get("/api/clip-video?id=" + id()).statusCode()).isEqualTo(401);

    var full = get("/api/clip-video?id=" + id() + "&token=" + TOKEN);
    assertThat(full.statusCode()).isEqualTo(200);
    assertThat(full.body()).isEqualTo(whole);
    assertThat(full.headers().firstValue("Accept-Ranges")).contains("bytes");

    var part =
        get("/api/clip-video?id=" + id(), "X-Openmede-Token", TOKEN, "Range", "bytes=100-199");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.headers().firstValue("Content-Range"))
        .contains("bytes 100-199/" + whole.length);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(whole, 100, 200));

    var tail = get("/api/clip-video?id=" + id(), "X-Openmede-Token", TOKEN, "Range", "bytes=-10");
    assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(whole, whole.length - 10, whole.length));

    var open = get("/api/clip-video?id=" + id(), "X-Openmede-Token", TOKEN, "Range", "bytes=0-");
    assertThat(open.statusCode()).isEqualTo(206);
    assertThat(open.body()).isEqualTo(whole);

    var beyond =
        get(
            "/api/clip-video?id=" + id(),
            "X-Openmede-Token",
            TOKEN,
            "Range",
            "bytes=" + whole.length + "-");
    assertThat(beyond.statusCode()).isEqualTo(416);
    assertThat(beyond.headers().firstValue("Content-Range")).contains("bytes */" + whole.length);

    assertThat(get("/api/clip-video?id=nothing&token=" + TOKEN).statusCode()).isEqualTo(404);
    var thumb = get("/api/clip-thumbnail?id=" + id() + "&token=" + TOKEN);
    assertThat(thumb.statusCode()).isEqualTo(200);
    assertThat(ImageIO.read(new java.io.ByteArrayInputStream(thumb.body())).getWidth())
        .isEqualTo(160);
  }

  HttpResponse<byte[]> change(String method, String path, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, HttpRequest.BodyPublishers.ofString(json))
            .header("X-Openmede-Token", TOKEN)
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void keepAndDelete_needTheToken_andChangeTheStore() throws Exception {
    var noToken =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/clip-keep"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + EVENT + "\"}"))
                .header("Content-Type", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(
            change("POST", "/api/clip-keep", "{\"id\":\"" + EVENT + "\",\"keep\":true}")
                .statusCode())
        .isEqualTo(200);
    assertThat(store.find(EVENT).orElseThrow().keep()).isTrue();
    assertThat(change("DELETE", "/api/clips?id=" + id(), "").statusCode()).isEqualTo(200);
    assertThat(store.find(EVENT)).isEmpty();
  }

  @Test
  void inChromium_theClipPlaysAndItsThumbnailShows() throws Exception {
    Path script = ROOT.resolve("web/e2e/clips-page.mjs");
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/chromium")),
        "chromium is not installed (apt-get install chromium; .ci/run does)");
    assumeTrue(
        Files.isDirectory(ROOT.resolve("web/e2e/node_modules/playwright-core")),
        "playwright-core is not installed (npm ci --prefix web/e2e; .ci/run does)");
    Path shot = ROOT.resolve("web/target/clips-page.png");
    Files.createDirectories(shot.getParent());
    Files.deleteIfExists(shot);
    Process node =
        new ProcessBuilder(
                "node", script.toString(), base + "/?token=" + TOKEN, shot.toString(), EVENT)
            .redirectErrorStream(true)
            .start();
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(node.exitValue()).as(out).isZero();
    assertThat(out).contains("the clip played").contains("with its thumbnail");
    assertThat(store.find(EVENT).orElseThrow().keep()).as("kept on the page").isTrue();
    assertThat(Files.size(shot)).isGreaterThan(10_000);
    System.out.println(out);
  }
}
