package io.openmede.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.openmede.events.clips.ClipStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The page's review of event clips, from a {@link ClipStore}: {@code GET /api/clips} lists them,
 * newest first, filtered by {@code stream}, {@code label}, {@code rule}, {@code from} and {@code
 * to} (ISO-8601 instants, on the episode's start); {@code GET|HEAD /api/clip-video?id=EVENT} serves
 * the MP4 with HTTP range requests (one range; an open range is answered in pieces of at most
 * {@link #MAX_PIECE} bytes, as browsers expect); {@code GET /api/clip-thumbnail?id=EVENT} the JPEG;
 * {@code POST /api/clip-keep} ({@code {"id": ..., "keep": true}}) marks or releases a clip; {@code
 * DELETE /api/clips?id=EVENT} deletes one. The page checks the token and origin before any of these
 * (see {@link PageAccess}). Thread-safe: the store is.
 */
final class ClipReview {

  /** The most bytes one answer to a range request carries. */
  static final long MAX_PIECE = 4L * 1024 * 1024;

  /** The most clips one listing returns. */
  static final int MAX_LISTED = 500;

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  /** An answer: status, type and body; the page sends it. */
  interface Reply {
    void send(int status, String type, byte[] body) throws IOException;

    void error(int status, String message) throws IOException;
  }

  private final ClipStore store;
  private final ObjectMapper json;

  ClipReview(ClipStore store, ObjectMapper json) {
    this.store = store;
    this.json = json;
  }

  void list(HttpExchange x, String method, Function<String, String> query, Reply reply)
      throws IOException {
    if (method.equals("DELETE")) {
      String id = query.apply("id");
      if (id == null) {
        reply.error(400, "DELETE /api/clips?id=EVENT_ID deletes one clip");
        return;
      }
      boolean gone = store.delete(id);
      if (!gone) {
        reply.error(404, "no clip of event " + id);
        return;
      }
      reply.send(200, "application/json", json.writeValueAsBytes(Map.of("deleted", id)));
      return;
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      reply.error(405, "use GET to list clips or DELETE ?id=... to delete one");
      return;
    }
    Optional<Instant> from;
    Optional<Instant> to;
    try {
      from = Optional.ofNullable(query.apply("from")).filter(s -> !s.isBlank()).map(Instant::parse);
      to = Optional.ofNullable(query.apply("to")).filter(s -> !s.isBlank()).map(Instant::parse);
    } catch (DateTimeParseException e) {
      reply.error(400, "from and to are instants like 2026-01-01T03:00:00Z: " + e.getMessage());
      return;
    }
    String stream = blankToNull(query.apply("stream"));
    String label = blankToNull(query.apply("label"));
    String rule = blankToNull(query.apply("rule"));
    List<ClipStore.Entry> all = new ArrayList<>(store.list());
    all.sort(Comparator.comparing(ClipStore.Entry::startedAt).reversed());
    List<Map<String, Object>> out = new ArrayList<>();
    for (ClipStore.Entry e : all) {
      if ((stream != null && !stream.equals(e.streamId()))
          || (label != null && !label.equals(e.label()))
          || (rule != null && !rule.equals(e.rule()))
          || (from.isPresent() && e.startedAt().isBefore(from.get()))
          || (to.isPresent() && e.startedAt().isAfter(to.get()))) {
        continue;
      }
      if (out.size() >= MAX_LISTED) {
        break;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("eventId", e.eventId());
      m.put("rule", e.rule());
      m.put("streamId", e.streamId());
      m.put("label", e.label());
      m.put("startedAt", e.startedAt().toString());
      m.put("endedAt", e.endedAt().toString());
      m.put("durationMillis", e.durationMillis());
      m.put("frames", e.frames());
      m.put("width", e.width());
      m.put("height", e.height());
      m.put("sizeBytes", e.sizeBytes());
      m.put("sha256", e.sha256());
      m.put("cut", e.cut());
      m.put("keep", e.keep());
      m.put("madeAt", e.madeAt().toString());
      out.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("clips", out);
    body.put("total", all.size());
    reply.send(200, "application/json", json.writeValueAsBytes(body));
  }

  void keep(String method, byte[] request, Reply reply) throws IOException {
    if (!method.equals("POST")) {
      reply.error(405, "use POST {\"id\": EVENT_ID, \"keep\": true} to keep or release a clip");
      return;
    }
    JsonNode body;
    try {
      body = json.readTree(request);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      reply.error(400, "the body is not JSON: " + e.getOriginalMessage());
      return;
    }
    if (body == null || !body.hasNonNull("id")) {
      reply.error(400, "expected JSON {\"id\": \"falls/cam-3/1840\", \"keep\": true}");
      return;
    }
    String id = body.get("id").asText();
    boolean keep = body.path("keep").asBoolean(true);
    if (!store.keep(id, keep)) {
      reply.error(404, "no clip of event " + id);
      return;
    }
    reply.send(200, "application/json", json.writeValueAsBytes(Map.of("id", id, "keep", keep)));
  }

  void thumbnail(String id, HttpExchange x, Reply reply) throws IOException {
    Optional<ClipStore.Entry> e = id == null ? Optional.empty() : store.find(id);
    if (e.isEmpty()) {
      reply.error(404, "no clip of event " + id);
      return;
    }
    x.getResponseHeaders().set("Cache-Control", "private, max-age=3600");
    reply.send(200, "image/jpeg", store.thumbnail(e.get()));
  }

  /** The MP4, whole or one byte range of it. */
  void video(String id, HttpExchange x, String method, Reply reply) throws IOException {
    Optional<ClipStore.Entry> found = id == null ? Optional.empty() : store.find(id);
    if (found.isEmpty()) {
      reply.error(404, "no clip of event " + id);
      return;
    }
    try (SeekableByteChannel in = store.openVideo(found.get())) {
      long size = in.size();
      long start = 0;
      long end = size - 1;
      int status = 200;
      String range = x.getRequestHeaders().getFirst("Range");
      if (range != null) {
        Matcher m = RANGE.matcher(range.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
          x.getResponseHeaders().set("Content-Range", "bytes */" + size);
          reply.error(416, "one range, bytes=START-END, is served; got " + range);
          return;
        }
        if (m.group(1).isEmpty()) { // the last N bytes
          long n = Math.min(size, Long.parseLong(m.group(2)));
          start = size - n;
        } else {
          start = Long.parseLong(m.group(1));
          end =
              m.group(2).isEmpty()
                  ? Math.min(size - 1, start + MAX_PIECE - 1)
                  : Math.min(size - 1, Long.parseLong(m.group(2)));
        }
        if (start >= size || start > end) {
          x.getResponseHeaders().set("Content-Range", "bytes */" + size);
          reply.error(416, "range " + range + " is outside the clip's " + size + " bytes");
          return;
        }
        status = 206;
        x.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + size);
      }
      long length = end - start + 1;
      x.getResponseHeaders().set("Content-Type", "video/mp4");
      x.getResponseHeaders().set("Accept-Ranges", "bytes");
      x.getResponseHeaders().set("Cache-Control", "private, max-age=3600");
      if (method.equals("HEAD")) {
        x.getResponseHeaders().set("Content-Length", Long.toString(length));
        x.sendResponseHeaders(status, -1);
        return;
      }
      x.sendResponseHeaders(status, length);
      in.position(start);
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      try (OutputStream out = x.getResponseBody()) {
        long left = length;
        while (left > 0) {
          buf.clear();
          if (left < buf.capacity()) {
            buf.limit((int) left);
          }
          int n = in.read(buf);
          if (n < 0) {
            break;
          }
          out.write(buf.array(), 0, n);
          left -= n;
        }
      }
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
