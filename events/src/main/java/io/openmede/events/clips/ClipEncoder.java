package io.openmede.events.clips;

import io.openmede.schemas.avro.FrameEncoding;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Writes frames into an H.264 MP4 with FFmpeg (JavaCV), one video frame per stream frame at a
 * constant rate taken from their capture times, and makes a JPEG thumbnail. The LGPL FFmpeg build
 * encodes H.264 with OpenH264 (asking for libx264 would silently write MPEG-4 Part 2; see
 * notes/video.md). Stateless and thread-safe; each call opens and closes its own encoder.
 */
final class ClipEncoder {

  /** The widest thumbnail; a larger frame is scaled down. */
  static final int THUMBNAIL_WIDTH = 320;

  /** The lowest and highest frame rates a clip is written at. */
  static final double MIN_FPS = 1;

  static final double MAX_FPS = 60;

  /** What was written. */
  record Written(int frames, double fps, long durationMillis) {}

  /**
   * Encodes {@code frames} (JPEG or raw RGB of {@code width × height}) into {@code out}.
   *
   * @param fps frames per second of the clip
   * @throws IOException when a frame does not decode or FFmpeg fails
   */
  Written encode(
      List<byte[]> frames, int width, int height, FrameEncoding encoding, double fps, Path out)
      throws IOException {
    if (width % 2 != 0 || height % 2 != 0) {
      throw new IOException(
          "frames of "
              + width
              + "x"
              + height
              + " cannot be written as H.264 4:2:0, which needs an even width and height; have"
              + " the source produce an even size");
    }
    double rate = Math.max(MIN_FPS, Math.min(MAX_FPS, fps));
    FFmpegFrameRecorder r = new FFmpegFrameRecorder(out.toFile(), width, height, 0);
    r.setFormat("mp4");
    r.setVideoCodec(avcodec.AV_CODEC_ID_H264);
    r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
    r.setFrameRate(rate);
    r.setVideoBitrate(Math.max(500_000, width * height * 4));
    r.setGopSize((int) Math.max(1, Math.round(rate)));
    r.setVideoOption("movflags", "+faststart"); // the index first: a browser plays while loading
    try {
      r.start();
      if (r.getVideoCodec() != avcodec.AV_CODEC_ID_H264) {
        throw new IOException("FFmpeg did not open an H.264 encoder");
      }
      int n = 0;
      for (byte[] data : frames) {
        ByteBuffer bgr = bgr(data, width, height, encoding);
        r.recordImage(width, height, Frame.DEPTH_UBYTE, 3, width * 3, avutil.AV_PIX_FMT_BGR24, bgr);
        n++;
      }
      r.stop();
      return new Written(n, rate, Math.round(n * 1000 / rate));
    } catch (FFmpegFrameRecorder.Exception e) {
      throw new IOException("FFmpeg could not write the clip " + out + ": " + e.getMessage(), e);
    } finally {
      r.release();
    }
  }

  /** The frame as packed BGR bytes of {@code width × height}. */
  private static ByteBuffer bgr(byte[] data, int width, int height, FrameEncoding encoding)
      throws IOException {
    if (encoding == FrameEncoding.RGB) {
      if (data.length != width * height * 3) {
        throw new IOException(
            "an RGB frame of " + data.length + " bytes, expected " + width * height * 3);
      }
      byte[] out = new byte[data.length];
      for (int i = 0; i < data.length; i += 3) {
        out[i] = data[i + 2];
        out[i + 1] = data[i + 1];
        out[i + 2] = data[i];
      }
      return ByteBuffer.wrap(out);
    }
    BufferedImage img = toBgr(decodeJpeg(data), width, height);
    return ByteBuffer.wrap(((DataBufferByte) img.getRaster().getDataBuffer()).getData());
  }

  private static BufferedImage decodeJpeg(byte[] data) throws IOException {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(data));
    if (img == null) {
      throw new IOException("a frame is not a readable JPEG");
    }
    return img;
  }

  private static BufferedImage toBgr(BufferedImage img, int width, int height) {
    if (img.getType() == BufferedImage.TYPE_3BYTE_BGR
        && img.getWidth() == width
        && img.getHeight() == height) {
      return img;
    }
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(img, 0, 0, width, height, null);
    g.dispose();
    return out;
  }

  /** A JPEG of the frame, at most {@link #THUMBNAIL_WIDTH} wide. */
  byte[] thumbnail(byte[] data, int width, int height, FrameEncoding encoding) throws IOException {
    BufferedImage full;
    if (encoding == FrameEncoding.RGB) {
      full = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
      full.getRaster()
          .setDataElements(0, 0, width, height, bgr(data, width, height, encoding).array());
    } else {
      full = decodeJpeg(data);
    }
    int w = Math.min(THUMBNAIL_WIDTH, width);
    int h = Math.max(1, Math.round((float) height * w / width));
    BufferedImage small = toBgr(full, w, h);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(small, "jpg", out)) {
      throw new IOException("no JPEG writer");
    }
    return out.toByteArray();
  }
}
