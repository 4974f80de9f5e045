package io.openmede.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import io.openmede.events.clips.ClipStore;
import io.openmede.platform.health.Health;
import io.openmede.platform.health.ServiceEndpoint;
import io.openmede.platform.http.BoundedHttpServer;
import io.openmede.platform.http.HttpLimits;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.Feedback;
import io.openmede.schemas.avro.FeedbackVerdict;
import io.openmede.schemas.checkpoint.ModelHistory;
import io.openmede.schemas.checkpoint.OperatorDecisionWriter;
import io.openmede.schemas.checkpoint.OperatorDecisions;
import io.openmede.schemas.feedback.FeedbackRecords;
import io.openmede.schemas.feedback.FeedbackWriter;
import io.openmede.schemas.values.Identifiers;
import io.openmede.schemas.vocabulary.VocabularyWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live page on a port: {@code /} the page, {@code /api/state} everything as JSON, {@code
 * /api/frame?stream=ID} the latest JPEG of a stream, {@code POST /api/vocabulary} ({@code {"label":
 * ..., "prompts": [...]}}) and {@code DELETE /api/vocabulary?label=...} to change the vocabulary,
 * {@code POST /api/rules} and {@code DELETE /api/rules?name=...} to change the alert rules, {@code
 * POST /api/feedback} to confirm or correct a window (the labeler makes it a labeled clip), {@code
 * /api/event-frame?id=EVENT} an event's snapshot frame, the event clips' review ({@link
 * ClipReview}, with {@link #withClips}), {@code /metrics} in Prometheus text format, and {@code
 * /health/live}, {@code /health/ready} of the services of this process.
 *
 * <p>Every request must name one of the page's hosts; changes need the token, the page's own origin
 * and a JSON body; API reads need the token unless {@code web.read-without-token} (see {@link
 * PageAccess}). The page itself takes the token from {@code ?token=} in its address.
 *
 * <p>The port is a {@link BoundedHttpServer} within {@link HttpLimits}: slow or many clients cannot
 * stop it, and the health paths answer while the page's workers are busy. A failing request is
 * logged with its path, never its query (which may carry the token).
 *
 * <p>Lifecycle: {@link #start(int)} binds (port 0 picks a free one), {@link #close()} stops.
 */
public final class LivePage implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LivePage.class);
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .findAndRegisterModules()
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  /** The largest request body a change may have (they are small JSON objects). */
  static final int MAX_BODY_BYTES = 64 * 1024;

  private final LiveState state;
  private final Optional<VocabularyWriter> vocabulary;
  private final Optional<RulesWriter> rules;
  private final Optional<FeedbackWriter> feedback;
  private final Optional<OperatorDecisionWriter> operator;
  private final List<PrometheusRegistry> metrics;
  private final WebSettings web;
  private final Health health;
  private volatile PageAccess access;
  private volatile int boundPort;
  private String host;
  private final HttpLimits limits;
  private BoundedHttpServer server;
  private volatile Optional<ClipReview> clips = Optional.empty();

  /**
   * Where the page's changes go; an empty one makes that part of the page read-only.
   *
   * @param vocabulary vocabulary changes
   * @param rules alert-rule changes
   * @param feedback confirmations and corrections of recognitions and events
   * @param operator operators' decisions on the model history (promote, roll back, unpin), signed
   *     with the operator key ({@code operator.signing-key}); empty: the page shows the history
   *     without its buttons, and says which setting to set
   */
  public record Writers(
      Optional<VocabularyWriter> vocabulary,
      Optional<RulesWriter> rules,
      Optional<FeedbackWriter> feedback,
      Optional<OperatorDecisionWriter> operator) {
    /** Writers without an operator key. */
    public Writers(
        Optional<VocabularyWriter> vocabulary,
        Optional<RulesWriter> rules,
        Optional<FeedbackWriter> feedback) {
      this(vocabulary, rules, feedback, Optional.empty());
    }

    /** A read-only page. */
    public static Writers none() {
      return new Writers(Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  /**
   * @param writers where the page's changes go
   * @param metrics the registries {@code /metrics} exposes, one after the other, read at each
   *     request (the services of this process: recognizer, trainer, ...)
   * @param web the token and who may read
   * @param health what {@code /health/live} and {@code /health/ready} answer from
   */
  public LivePage(
      LiveState state,
      Writers writers,
      List<PrometheusRegistry> metrics,
      WebSettings web,
      Health health) {
    this(state, writers, metrics, web, health, HttpLimits.DEFAULT);
  }

  /** A page whose port has other limits than {@link HttpLimits#DEFAULT} (tests). */
  public LivePage(
      LiveState state,
      Writers writers,
      List<PrometheusRegistry> metrics,
      WebSettings web,
      Health health,
      HttpLimits limits) {
    this.limits = limits;
    this.state = state;
    this.vocabulary = writers.vocabulary();
    this.rules = writers.rules();
    this.feedback = writers.feedback();
    this.operator = writers.operator();
    this.metrics = metrics;
    this.web = web;
    this.health = health;
  }

  /**
   * Serves the event clips of {@code store} too (the review timeline, {@code /api/clips}, {@code
   * /api/clip-video}, {@code /api/clip-thumbnail}, {@code /api/clip-keep}); without it those answer
   * 404.
   */
  public LivePage withClips(ClipStore store) {
    this.clips = Optional.of(new ClipReview(store, JSON));
    return this;
  }

  /** Starts serving on 127.0.0.1 unless {@code host} says otherwise; returns the bound port. */
  public synchronized int start(String host, int port) throws IOException {
    this.host = host;
    this.access = new PageAccess(web, host);
    server =
        BoundedHttpServer.start(
            "live-page", host, port, limits, ServiceEndpoint::isHealthPath, this::handle);
    boundPort = server.port();
    return boundPort;
  }

  /**
   * The address to open the page at, with its token; {@code 0.0.0.0} shows as {@code 127.0.0.1}.
   */
  public synchronized String url() {
    String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    return "http://" + h + ":" + boundPort + "/?token=" + web.token();
  }

  /** Starts serving on loopback. */
  public int start(int port) throws IOException {
    return start("127.0.0.1", port);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      String method = x.getRequestMethod();
      boolean change = !method.equals("GET") && !method.equals("HEAD");
      boolean api = path.startsWith("/api/") || path.equals("/metrics");
      Optional<PageAccess.Refusal> refused = access.judge(x, change, api, boundPort);
      if (refused.isPresent()) {
        error(x, refused.get().status(), refused.get().reason());
        return;
      }
      if (change && !path.startsWith("/api/")) {
        error(x, 405, "only GET is served at " + path);
        return;
      }
      byte[] body = new byte[0];
      if (change) {
        body = x.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
          error(x, 413, "the body is over " + MAX_BODY_BYTES + " bytes; a change is a small JSON");
          return;
        }
      }
      switch (path) {
        case "/", "/index.html" -> resource(x, "index.html", "text/html; charset=utf-8");
        case "/app.js" -> resource(x, "app.js", "text/javascript; charset=utf-8");
        case "/style.css" -> resource(x, "style.css", "text/css; charset=utf-8");
        case "/api/state" -> send(x, 200, "application/json", JSON.writeValueAsBytes(stateJson()));
        case "/api/frame" -> frame(x);
        case "/api/vocabulary" -> vocabulary(x, method, body);
        case "/api/rules" -> rules(x, method, body);
        case "/api/feedback" -> feedback(x, method, body);
        case "/api/model" -> model(x, method, body);
        case "/api/event-frame" -> eventFrame(x);
        case "/api/clips", "/api/clip-video", "/api/clip-thumbnail", "/api/clip-keep" ->
            clip(x, path, method, body);
        case "/metrics" -> metrics(x);
        case "/health", "/health/live", "/health/ready" -> ServiceEndpoint.health(x, path, health);
        default -> error(x, 404, "no such page: " + path);
      }
    } catch (RuntimeException e) {
      // the path only: the query may carry the token
      LOG.warn(
          "live page request {} {} failed", x.getRequestMethod(), x.getRequestURI().getPath(), e);
      try {
        error(x, 500, e.getMessage());
      } catch (IOException ignored) {
        // the client went away
      }
    }
  }

  /** The state, and whether this page may decide on models (and, if not, which setting to set). */
  private Map<String, Object> stateJson() {
    Map<String, Object> out = state.snapshot();
    Map<String, Object> op = new java.util.LinkedHashMap<>();
    op.put("enabled", operator.isPresent());
    op.put("keyId", operator.map(OperatorDecisionWriter::keyId).orElse(null));
    op.put(
        "message",
        operator.isPresent()
            ? null
            : "Promote, Roll back and Unpin are off on this page: "
                + OperatorDecisionWriter.missingKeyMessage());
    out.put("operator", op);
    return out;
  }

  /**
   * {@code POST /api/model}: an operator's decision on a version of the model history, signed with
   * the page's operator key and published on the checkpoints topic. The version and model line are
   * judged by {@link Identifiers} before anything is looked up; a version not in the history is
   * 404, an unpin with nothing pinned 409.
   */
  private void model(HttpExchange x, String method, byte[] request) throws IOException {
    if (!method.equals("POST")) {
      error(x, 405, "use POST {\"action\": \"rollback\", \"version\": \"...\"}");
      return;
    }
    if (operator.isEmpty()) {
      error(
          x,
          405,
          "this page cannot decide on models: " + OperatorDecisionWriter.missingKeyMessage());
      return;
    }
    try {
      JsonNode body = JSON.readTree(request);
      String word = body == null ? null : body.path("action").asText(null);
      if (word == null || !OperatorDecisions.ACTIONS.contains(word)) {
        error(
            x,
            400,
            "expected JSON {\"action\": \"promote\", \"version\": \"openmede-tiny-u000000040\"}"
                + " with action one of "
                + String.join(", ", OperatorDecisions.ACTIONS));
        return;
      }
      OperatorDecisions.Action action =
          OperatorDecisions.Action.valueOf(word.toUpperCase(java.util.Locale.ROOT));
      Optional<String> version =
          body.hasNonNull("version") ? Optional.of(body.get("version").asText()) : Optional.empty();
      if (version.isEmpty() && action != OperatorDecisions.Action.UNPIN) {
        error(x, 400, action.word() + " needs the \"version\" to " + action.word());
        return;
      }
      Optional<String> bad = version.flatMap(Identifiers::checkpointVersionRefusal);
      if (bad.isPresent()) {
        error(x, 400, bad.get());
        return;
      }
      Optional<String> line =
          body.hasNonNull("model") ? Optional.of(body.get("model").asText()) : Optional.empty();
      Optional<String> badLine = line.flatMap(Identifiers::modelNameRefusal);
      if (badLine.isPresent()) {
        error(x, 400, badLine.get());
        return;
      }
      List<ModelHistory> lines = state.modelHistories();
      Optional<ModelHistory> history =
          line.isPresent()
              ? lines.stream().filter(h -> h.model().equals(line.get())).findFirst()
              : lines.size() == 1 ? Optional.of(lines.get(0)) : Optional.empty();
      if (history.isEmpty()) {
        error(
            x,
            line.isPresent() || lines.isEmpty() ? 404 : 400,
            lines.isEmpty()
                ? "the checkpoints topic holds no announcement yet (has a trainer published a"
                    + " checkpoint?)"
                : line.isPresent()
                    ? "no model line " + line.get() + " on the checkpoints topic"
                    : "the checkpoints topic holds several model lines ("
                        + String.join(", ", lines.stream().map(ModelHistory::model).toList())
                        + "); name one in \"model\"");
        return;
      }
      CheckpointAnnouncement decision;
      try {
        decision = operator.get().publish(history.get(), action, version);
      } catch (OperatorDecisionWriter.RefusedException e) {
        error(x, e.unknownVersion() ? 404 : 409, e.getMessage());
        return;
      }
      LOG.info(
          "live page: {} {} of {} announced, signed by operator key {}",
          action.word(),
          decision.getVersion(),
          decision.getModelName(),
          operator.get().keyId());
      Map<String, Object> answer = new java.util.LinkedHashMap<>();
      answer.put("action", action.word());
      answer.put("model", decision.getModelName());
      answer.put("version", decision.getVersion());
      answer.put("keyId", operator.get().keyId());
      answer.put("decidedAt", decision.getOperator().getDecidedAt().toString());
      send(x, 200, "application/json", JSON.writeValueAsBytes(answer));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      error(x, 400, "the body is not JSON: " + e.getOriginalMessage());
    }
  }

  private void frame(HttpExchange x) throws IOException {
    String stream = query(x, "stream");
    Optional<byte[]> jpeg = stream == null ? Optional.empty() : state.frame(stream);
    if (jpeg.isEmpty()) {
      error(x, 404, "no frame for stream " + stream);
      return;
    }
    x.getResponseHeaders().add("Cache-Control", "no-store");
    send(x, 200, "image/jpeg", jpeg.get());
  }

  private void eventFrame(HttpExchange x) throws IOException {
    String id = query(x, "id");
    Optional<byte[]> jpeg = id == null ? Optional.empty() : state.eventFrame(id);
    if (jpeg.isEmpty()) {
      error(x, 404, "no snapshot for event " + id);
      return;
    }
    send(x, 200, "image/jpeg", jpeg.get());
  }

  private void clip(HttpExchange x, String path, String method, byte[] body) throws IOException {
    if (clips.isEmpty()) {
      error(x, 404, "this page has no clip store: give the events service's clips.dir");
      return;
    }
    ClipReview review = clips.get();
    ClipReview.Reply reply =
        new ClipReview.Reply() {
          @Override
          public void send(int status, String type, byte[] bytes) throws IOException {
            LivePage.send(x, status, type, bytes);
          }

          @Override
          public void error(int status, String message) throws IOException {
            LivePage.error(x, status, message);
          }
        };
    switch (path) {
      case "/api/clips" -> review.list(x, method, n -> query(x, n), reply);
      case "/api/clip-video" -> review.video(query(x, "id"), x, method, reply);
      case "/api/clip-thumbnail" -> review.thumbnail(query(x, "id"), x, reply);
      default -> review.keep(method, body, reply);
    }
  }

  private void rules(HttpExchange x, String method, byte[] request) throws IOException {
    if (rules.isEmpty()) {
      error(x, 405, "this page cannot change alert rules: it was started without a rules writer");
      return;
    }
    try {
      if (method.equals("POST")) {
        JsonNode body = JSON.readTree(request);
        if (body == null || !body.hasNonNull("name") || !body.hasNonNull("label")) {
          error(
              x,
              400,
              "expected JSON {\"name\": \"falls\", \"label\": \"falling\", \"minProbability\":"
                  + " 0.7, \"minScore\": 0.5, \"minWindows\": 3, \"streams\": [\"camera-*\"],"
                  + " \"cooldownMs\": 30000, \"webhooks\": [\"https://hooks.example/x\"],"
                  + " \"clipWebhook\": true}");
          return;
        }
        List<String> streams = new ArrayList<>();
        if (body.has("streams")) {
          body.get("streams").forEach(p -> streams.add(p.asText()));
        }
        List<String> webhooks = new ArrayList<>();
        if (body.has("webhooks")) {
          body.get("webhooks").forEach(u -> webhooks.add(u.asText()));
        }
        var rule =
            rules
                .get()
                .add(
                    body.get("name").asText(),
                    body.get("label").asText(),
                    body.path("minProbability").asDouble(0.5),
                    body.path("minScore").isNumber()
                        ? Optional.of(body.get("minScore").asDouble())
                        : Optional.empty(),
                    body.path("minWindows").asInt(1),
                    streams,
                    java.time.Duration.ofMillis(body.path("cooldownMs").asLong(0)),
                    webhooks,
                    body.path("clipWebhook").asBoolean(false));
        state.onRule(rule.getName(), rule);
        send(x, 200, "application/json", JSON.writeValueAsBytes(Map.of("added", rule.getName())));
      } else if (method.equals("DELETE")) {
        String name = query(x, "name");
        rules.get().remove(name);
        state.onRule(name, null);
        send(x, 200, "application/json", JSON.writeValueAsBytes(Map.of("removed", name)));
      } else {
        error(x, 405, "use POST to add a rule or DELETE ?name=... to remove one");
      }
    } catch (IllegalArgumentException e) {
      error(x, 400, e.getMessage());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      error(x, 400, "the body is not JSON: " + e.getOriginalMessage());
    }
  }

  private void feedback(HttpExchange x, String method, byte[] request) throws IOException {
    if (feedback.isEmpty()) {
      error(x, 405, "this page cannot send feedback: it was started without a feedback writer");
      return;
    }
    if (!method.equals("POST")) {
      error(x, 405, "use POST to confirm or correct a window");
      return;
    }
    try {
      JsonNode body = JSON.readTree(request);
      if (body == null
          || !body.hasNonNull("stream")
          || !body.path("firstSequence").canConvertToLong()
          || !body.path("lastSequence").canConvertToLong()
          || !body.hasNonNull("label")) {
        error(
            x,
            400,
            "expected JSON {\"stream\": \"camera-1\", \"firstSequence\": 120, \"lastSequence\":"
                + " 127, \"label\": \"waving\", \"verdict\": \"correct\", \"addToVocabulary\":"
                + " false}");
        return;
      }
      String verdict = body.path("verdict").asText("correct").toUpperCase(java.util.Locale.ROOT);
      if (!verdict.equals("CONFIRM") && !verdict.equals("CORRECT") && !verdict.equals("NOTHING")) {
        error(
            x,
            400,
            "verdict must be confirm, correct or nothing, not " + body.path("verdict").asText());
        return;
      }
      Optional<Instant> captured =
          body.path("firstCaptureTime").canConvertToLong()
              ? Optional.of(Instant.ofEpochMilli(body.get("firstCaptureTime").asLong()))
              : Optional.empty();
      Feedback f =
          FeedbackRecords.build(
              body.get("stream").asText(),
              body.get("firstSequence").asLong(),
              body.get("lastSequence").asLong(),
              captured,
              body.get("label").asText(),
              FeedbackVerdict.valueOf(verdict),
              body.path("addToVocabulary").asBoolean(false),
              "live page");
      RecordMetadata at = feedback.get().send(f);
      state.onFeedback(f, at.partition(), at.offset());
      Map<String, Object> answer = new java.util.LinkedHashMap<>();
      answer.put(
          "clipId",
          Identifiers.feedbackClipId(f.getStreamId(), f.getFirstSequence(), f.getLastSequence()));
      answer.put("partition", at.partition());
      answer.put("offset", at.offset());
      send(x, 200, "application/json", JSON.writeValueAsBytes(answer));
    } catch (IllegalArgumentException e) {
      error(x, 400, e.getMessage());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      error(x, 400, "the body is not JSON: " + e.getOriginalMessage());
    }
  }

  private void vocabulary(HttpExchange x, String method, byte[] request) throws IOException {
    if (vocabulary.isEmpty()) {
      error(x, 405, "this page is read-only: it was started without a vocabulary writer");
      return;
    }
    try {
      if (method.equals("POST")) {
        JsonNode body = JSON.readTree(request);
        if (body == null || !body.hasNonNull("label")) {
          error(x, 400, "expected JSON {\"label\": \"...\", \"prompts\": [\"a video of {}.\"]}");
          return;
        }
        List<String> prompts = new ArrayList<>();
        if (body.has("prompts")) {
          body.get("prompts").forEach(p -> prompts.add(p.asText()));
        }
        var entry = vocabulary.get().add(body.get("label").asText(), prompts);
        state.onVocabulary(entry.getLabel(), entry);
        send(x, 200, "application/json", JSON.writeValueAsBytes(Map.of("added", entry.getLabel())));
      } else if (method.equals("DELETE")) {
        String label = query(x, "label");
        state.onVocabulary(vocabulary.get().remove(label), null);
        send(x, 200, "application/json", JSON.writeValueAsBytes(Map.of("removed", label)));
      } else {
        error(x, 405, "use POST to add a label or DELETE ?label=... to remove one");
      }
    } catch (IllegalArgumentException e) {
      error(x, 400, e.getMessage());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      error(x, 400, "the body is not JSON: " + e.getOriginalMessage());
    }
  }

  private void metrics(HttpExchange x) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (PrometheusRegistry r : metrics) {
      PrometheusTextFormatWriter.create().write(out, r.scrape());
    }
    send(x, 200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
  }

  private static String query(HttpExchange x, String name) {
    String q = x.getRequestURI().getRawQuery();
    if (q == null) {
      return null;
    }
    for (String part : q.split("&")) {
      int eq = part.indexOf('=');
      if (eq > 0 && name.equals(PageAccess.decode(part.substring(0, eq)))) {
        return PageAccess.decode(part.substring(eq + 1));
      }
    }
    return null;
  }

  private void resource(HttpExchange x, String name, String type) throws IOException {
    try (InputStream in = LivePage.class.getResourceAsStream(name)) {
      if (in == null) {
        error(x, 404, "missing page resource " + name);
        return;
      }
      send(x, 200, type, in.readAllBytes());
    }
  }

  private static void error(HttpExchange x, int status, String message) throws IOException {
    byte[] body =
        JSON.writeValueAsBytes(
            Map.of("error", message == null ? "error" : message, "at", Instant.now().toString()));
    send(x, status, "application/json", body);
  }

  private static void send(HttpExchange x, int status, String type, byte[] body)
      throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream o = x.getResponseBody()) {
        o.write(body);
      }
    }
  }

  /** Stops serving; idempotent. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
