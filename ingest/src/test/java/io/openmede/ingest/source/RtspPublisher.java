package io.openmede.ingest.source;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/**
 * Publishes a clip to an RTSP URL at real-time pace, copying packets without re-encoding (what
 * {@code ffmpeg -re -i clip -c copy -f rtsp URL} does). The bundled ffmpeg program would do the
 * same but links libavdevice, which needs libpulse.so.0, absent on the build machines.
 */
final class RtspPublisher implements AutoCloseable {
  /**
   * Publishes {@code args[0]} (a clip) to {@code args[1]} (an RTSP URL) until killed or the clip
   * ends. Runs in its own JVM: JavaCV serialises some FFmpeg calls on a global lock, so a publisher
   * and a listening grabber in one JVM wait on each other.
   */
  public static void main(String[] args) throws Exception {
    RtspPublisher publisher = new RtspPublisher(Path.of(args[0]), args[1]);
    publisher.awaitConnected();
    System.out.println("connected");
    publisher.thread.join();
  }

  private final Thread thread;
  private final CountDownLatch connected = new CountDownLatch(1);
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private volatile boolean stopped;

  RtspPublisher(Path clip, String url) {
    this.thread = new Thread(() -> run(clip, url), "rtsp-publisher");
    thread.setDaemon(true);
    thread.start();
  }

  private void run(Path clip, String url) {
    try (FFmpegFrameGrabber in = new FFmpegFrameGrabber(clip.toFile())) {
      in.start();
      FFmpegFrameRecorder out = null;
      // The listening side may not be up yet: retry until it accepts.
      for (int attempt = 0; out == null && !stopped; attempt++) {
        FFmpegFrameRecorder r =
            new FFmpegFrameRecorder(url, in.getImageWidth(), in.getImageHeight(), 0);
        r.setFormat("rtsp");
        r.setOption("rtsp_transport", "tcp");
        r.setVideoCodec(in.getVideoCodec());
        r.setFrameRate(in.getFrameRate());
        try {
          r.start(in.getFormatContext());
          out = r;
        } catch (FFmpegFrameRecorder.Exception e) {
          r.release();
          if (attempt > 100) {
            throw e;
          }
          Thread.sleep(50);
        }
      }
      if (out == null) {
        return;
      }
      connected.countDown();
      long start = System.nanoTime();
      double timeBase =
          in.getFormatContext().streams(0).time_base().num()
              / (double) in.getFormatContext().streams(0).time_base().den();
      AVPacket packet;
      while (!stopped && (packet = in.grabPacket()) != null) {
        if (packet.stream_index() == 0 && packet.pts() != avutil.AV_NOPTS_VALUE) {
          long due = start + (long) (packet.pts() * timeBase * 1e9);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          out.recordPacket(packet);
        }
      }
      // Dropping the connection without a clean stop is what a crashed publisher does.
      out.release();
    } catch (Exception e) {
      failure.set(e);
    } finally {
      connected.countDown();
    }
  }

  /** Waits until the publisher has connected; throws what made it fail. */
  void awaitConnected() throws Exception {
    if (!connected.await(20, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the RTSP publisher did not connect in 20 s");
    }
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.join(10_000);
  }
}
