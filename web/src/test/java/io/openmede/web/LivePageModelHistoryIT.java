package io.openmede.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.platform.health.Health;
import io.openmede.platform.signing.KeyFiles;
import io.openmede.recognizer.swap.CheckpointPolicy;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.CheckpointStatus;
import io.openmede.schemas.avro.GateDecision;
import io.openmede.schemas.avro.TrainingSummary;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import io.openmede.schemas.checkpoint.ModelHistory;
import io.openmede.schemas.checkpoint.OperatorDecisionWriter;
import io.openmede.schemas.topic.Cluster;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The live page's model history on the embedded broker: the page reads the trainer's signed
 * announcements from the checkpoints topic and lists them with the gate's figures; {@code POST
 * /api/model} needs the page's token, judges the version it names and, with the page's operator
 * key, publishes an operator announcement that a recognizer's {@link CheckpointPolicy} accepts (and
 * one trusting only the trainer's key refuses); a page without an operator key says which setting
 * to set. In Chromium (when installed), Roll back and Unpin work from the page's buttons.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LivePageModelHistoryIT {
  static final String TOKEN = "model-history-token";
  static final String LINE = "openmede-tiny";
  static final Path ROOT =
      Path.of(System.getProperty("openmede.root", "..")).toAbsolutePath().normalize();

  static EmbeddedPlatform platform;
  static Cluster cluster;
  static KeyPair trainer;
  static KeyPair operator;
  static LiveFeed feed;
  static LivePage page;
  static OperatorDecisionWriter writer;
  static String base;
  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  static CheckpointAnnouncement announcement(
      String version, String parent, long updates, Instant at, CheckpointStatus status) {
    CheckpointAnnouncement a =
        CheckpointAnnouncement.newBuilder()
            .setModelName(LINE)
            .setVersion(version)
            .setUri("file:///checkpoints/" + version + "/weights.safetensors")
            .setSha256(String.format("%064d", Math.abs((long) version.hashCode())))
            .setSizeBytes(1000 + updates)
            .setPreset("tiny")
            .setParentVersion(parent)
            .setTraining(
                new TrainingSummary(
                    "open-mede",
                    updates,
                    updates * 8,
                    Map.of(),
                    15.0,
                    10.0,
                    4,
                    5,
                    1e-4,
                    1e-4,
                    1.67e-3))
            .setCreatedAt(at)
            .setStatus(status)
            .setGate(
                GateDecision.newBuilder()
                    .setServingVersion(parent)
                    .setReason(
                        status == CheckpointStatus.HELD_BACK ? "guard top-1 fell" : "no worse")
                    .setFigures(
                        Map.of(
                            "base.videos", 24.0,
                            "base.candidate.top1",
                                status == CheckpointStatus.HELD_BACK ? 0.292 : 0.583,
                            "base.serving.top1", 0.333,
                            "base.p-worse", 0.046))
                    .build())
            .build();
    a.setSignature(CheckpointSigning.sign(a, trainer));
    return a;
  }

  @BeforeAll
  static void start() throws Exception {
    trainer = KeyFiles.generate();
    operator = KeyFiles.generate();
    platform = EmbeddedPlatform.startTemporary();
    cluster = Cluster.local(platform.bootstrapServers(), platform.registryUrl());
    cluster.ensureTopics();
    Instant now = Instant.now();
    try (KafkaProducer<String, CheckpointAnnouncement> p =
        new KafkaProducer<>(
            cluster.producerConfig("it"),
            new StringSerializer(),
            cluster.topics().checkpoints().valueSerde().serializer())) {
      for (CheckpointAnnouncement a :
          List.of(
              announcement("u20", null, 20, now.minusSeconds(30), CheckpointStatus.PROMOTED),
              announcement("u40", "u20", 40, now.minusSeconds(20), CheckpointStatus.PROMOTED),
              announcement("u60", "u40", 60, now.minusSeconds(10), CheckpointStatus.HELD_BACK))) {
        String key = a.getStatus() == CheckpointStatus.HELD_BACK ? LINE + "#held-back" : LINE;
        p.send(new ProducerRecord<>(cluster.topics().checkpoints().name(), key, a)).get();
      }
    }
    LiveState state = new LiveState();
    feed = new LiveFeed(cluster.clientConfig(), cluster.topics(), state);
    writer =
        new OperatorDecisionWriter(
            cluster.clientConfig(),
            cluster.topics().checkpoints(),
            "it-page-operator",
            operator,
            List.of(trainer.getPublic()));
    page =
        new LivePage(
            state,
            new LivePage.Writers(
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(writer)),
            List.of(),
            WebSettings.withToken(TOKEN),
            new Health("page").register("core", Health.Report::ready));
    base = "http://127.0.0.1:" + page.start(0);
    feed.start();
    awaitState(s -> s.at("/models/0/versions").size() == 3);
  }

  @AfterAll
  static void stop() {
    if (page != null) {
      page.close();
    }
    if (feed != null) {
      feed.close();
    }
    if (writer != null) {
      writer.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  static JsonNode state() throws Exception {
    return JSON.readTree(
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/state"))
                    .header(PageAccess.TOKEN_HEADER, TOKEN)
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  static JsonNode awaitState(Predicate<JsonNode> until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode s = state();
    while (!until.test(s)) {
      assertThat(System.nanoTime())
          .as("the page's state: %s", s.get("models"))
          .isLessThan(deadline);
      Thread.sleep(100);
      s = state();
    }
    return s;
  }

  static HttpResponse<String> decide(String json, Optional<String> token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + "/api/model"))
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .header("Content-Type", "application/json");
    token.ifPresent(t -> b.header(PageAccess.TOKEN_HEADER, t));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static List<CheckpointAnnouncement> onTopic() {
    return ModelHistory.read(cluster, new PrintWriter(System.err, true));
  }

  @Test
  @Order(1)
  void history_listsEachVersionWithItsGateFigures_andTheOperatorKey() throws Exception {
    JsonNode s = state();
    JsonNode line = s.at("/models/0");
    assertThat(line.get("model").asText()).isEqualTo(LINE);
    assertThat(line.get("serving").asText()).isEqualTo("u40");
    assertThat(line.get("versions").findValuesAsText("version"))
        .containsExactly("u20", "u40", "u60");
    JsonNode held = line.at("/versions/2");
    assertThat(held.get("status").asText()).isEqualTo("HELD_BACK");
    assertThat(held.get("parent").asText()).isEqualTo("u40");
    assertThat(held.at("/gate/sets/0/set").asText()).isEqualTo("base");
    assertThat(held.at("/gate/sets/0/candidate").asDouble()).isEqualTo(0.292);
    assertThat(held.at("/gate/sets/0/serving").asDouble()).isEqualTo(0.333);
    assertThat(held.at("/gate/sets/0/pWorse").asDouble()).isEqualTo(0.046);
    assertThat(held.at("/gate/reason").asText()).isEqualTo("guard top-1 fell");
    assertThat(s.at("/operator/enabled").asBoolean()).isTrue();
    assertThat(s.at("/operator/keyId").asText())
        .isEqualTo(CheckpointSigning.keyId(operator.getPublic()));
  }

  @Test
  @Order(2)
  void aDecisionWithoutTheToken_isRefused_andNothingIsPublished() throws Exception {
    int before = onTopic().size();
    String rollback = "{\"action\":\"rollback\",\"version\":\"u20\"}";
    HttpResponse<String> none = decide(rollback, Optional.empty());
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).contains("token");
    assertThat(decide(rollback, Optional.of("wrong-token-0123456789")).statusCode()).isEqualTo(401);
    // a cross-site post carrying the token is refused too
    HttpResponse<String> crossSite =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/model"))
                .POST(HttpRequest.BodyPublishers.ofString(rollback))
                .header("Content-Type", "application/json")
                .header(PageAccess.TOKEN_HEADER, TOKEN)
                .header("Origin", "https://evil.example")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(crossSite.statusCode()).isEqualTo(403);
    assertThat(onTopic()).hasSize(before);
  }

  @Test
  @Order(3)
  void unknownOrMalformedVersions_andUnknownActions_areRefused() throws Exception {
    int before = onTopic().size();
    Optional<String> t = Optional.of(TOKEN);
    HttpResponse<String> unknown = decide("{\"action\":\"promote\",\"version\":\"u99\"}", t);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("u99 is not on the checkpoints topic", "u20, u40, u60");
    HttpResponse<String> path = decide("{\"action\":\"rollback\",\"version\":\"../u20\"}", t);
    assertThat(path.statusCode()).isEqualTo(400);
    assertThat(path.body()).contains("may hold only letters");
    HttpResponse<String> huge =
        decide("{\"action\":\"rollback\",\"version\":\"" + "u".repeat(201) + "\"}", t);
    assertThat(huge.statusCode()).isEqualTo(400);
    assertThat(huge.body()).contains("1 to 200");
    assertThat(decide("{\"action\":\"delete\",\"version\":\"u20\"}", t).statusCode())
        .isEqualTo(400);
    assertThat(decide("{\"action\":\"rollback\"}", t).statusCode()).isEqualTo(400);
    assertThat(decide("{\"action\":\"rollback\",\"version\":\"u20\",\"model\":\"other\"}", t))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(404);
    HttpResponse<String> notPinned = decide("{\"action\":\"unpin\"}", t);
    assertThat(notPinned.statusCode()).isEqualTo(409);
    assertThat(notPinned.body()).contains("nothing of " + LINE + " is pinned");
    assertThat(decide("not json", t).statusCode()).isEqualTo(400);
    assertThat(onTopic()).hasSize(before);
  }

  @Test
  @Order(4)
  void rollback_publishesAnOperatorAnnouncement_thatARecognizerTrustingTheKeyAccepts()
      throws Exception {
    HttpResponse<String> r =
        decide("{\"action\":\"rollback\",\"version\":\"u20\"}", Optional.of(TOKEN));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(r.body());
    assertThat(answer.get("keyId").asText())
        .isEqualTo(CheckpointSigning.keyId(operator.getPublic()));

    List<CheckpointAnnouncement> all = onTopic();
    CheckpointAnnouncement decision = all.get(all.size() - 1);
    assertThat(decision.getVersion()).isEqualTo("u20");
    assertThat(decision.getOperator().getAction()).isEqualTo("rollback");
    assertThat(decision.getOperator().getPinned()).isTrue();
    assertThat(decision.getSha256()).isEqualTo(all.get(0).getSha256());
    assertThat(
            new CheckpointPolicy(List.of(trainer.getPublic()), false, List.of(operator.getPublic()))
                .operatorRefusal(decision))
        .isEmpty();
    assertThat(
            new CheckpointPolicy(List.of(trainer.getPublic()), false, List.of(trainer.getPublic()))
                .operatorRefusal(decision))
        .hasValueSatisfying(e -> assertThat(e.reason()).isEqualTo("operator-signature"));

    // the page reads it back: u20 serves, pinned; then unpin ends the pin
    JsonNode pinned = awaitState(s -> s.at("/models/0/pinned").asBoolean());
    assertThat(pinned.at("/models/0/serving").asText()).isEqualTo("u20");
    assertThat(pinned.at("/models/0/versions/0/operator/0/action").asText()).isEqualTo("rollback");
    assertThat(decide("{\"action\":\"unpin\"}", Optional.of(TOKEN)).statusCode()).isEqualTo(200);
    JsonNode unpinned = awaitState(s -> !s.at("/models/0/pinned").asBoolean());
    assertThat(unpinned.at("/models/0/serving").asText()).isEqualTo("u40");
  }

  @Test
  @Order(5)
  void aPageWithoutAnOperatorKey_saysWhichSettingToSet_andRefusesDecisions() throws Exception {
    try (LivePage keyless =
        new LivePage(
            new LiveState(),
            LivePage.Writers.none(),
            List.of(),
            WebSettings.withToken(TOKEN),
            new Health("page").register("core", Health.Report::ready))) {
      String at = "http://127.0.0.1:" + keyless.start(0);
      JsonNode s =
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(URI.create(at + "/api/state"))
                          .header(PageAccess.TOKEN_HEADER, TOKEN)
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      assertThat(s.at("/operator/enabled").asBoolean()).isFalse();
      assertThat(s.at("/operator/message").asText())
          .contains("operator.signing-key", "keys generate --operator");
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(at + "/api/model"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"action\":\"rollback\",\"version\":\"u20\"}"))
                  .header("Content-Type", "application/json")
                  .header(PageAccess.TOKEN_HEADER, TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(405);
      assertThat(r.body()).contains("operator.signing-key");
    }
  }

  @Test
  @Order(6)
  void inChromium_rollBackAndUnpin_fromThePagesButtons() throws Exception {
    Path script = ROOT.resolve("web/e2e/model-history.mjs");
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/chromium")),
        "chromium is not installed (apt-get install chromium; .ci/run does)");
    assumeTrue(
        Files.isDirectory(ROOT.resolve("web/e2e/node_modules/playwright-core")),
        "playwright-core is not installed (npm ci --prefix web/e2e; .ci/run does)");
    Path shot = ROOT.resolve("web/target/model-history.png");
    Files.createDirectories(shot.getParent());
    Files.deleteIfExists(shot);
    int before = onTopic().size();
    Process node =
        new ProcessBuilder(
                "node", script.toString(), base + "/?token=" + TOKEN, shot.toString(), "u20")
            .redirectErrorStream(true)
            .start();
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(2, TimeUnit.MINUTES)).isTrue();
    System.out.println(out);
    assertThat(node.exitValue()).as(out).isZero();
    assertThat(out).contains("rolled back to u20", "unpinned");
    List<CheckpointAnnouncement> all = onTopic();
    assertThat(all.subList(before, all.size()))
        .extracting(a -> a.getOperator().getAction())
        .containsExactly("rollback", "unpin");
    assertThat(Files.size(shot)).isGreaterThan(10_000);
  }
}
