package io.openmede.recognizer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.embedded.LoopbackPorts;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.platform.signing.KeyFiles;
import io.openmede.recognizer.RecognizerService;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import io.openmede.settings.SettingsException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health that tells the truth: a recognizer on the embedded platform, whose vocabulary topic holds
 * a record that is not Avro and an entry whose prompt has no {@code {}}, refuses both, recognizes
 * with the good entry and is ready once it recognizes, and its checkpoint follower counts as live
 * from the start (a follower not yet started is not a dead one: that mistake once stopped the demo
 * a second after it started).
 */
class RecognizerHealthIT {
  static EmbeddedPlatform platform;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startPlatform() {
    platform = EmbeddedPlatform.startTemporary();
  }

  @AfterAll
  static void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  private int status(int port, String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private String body(int port, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void readyAndLiveWhileRecognizing_withEveryComponentReported(
      @TempDir Path dir, @TempDir Path outsideDir) throws Exception {
    int port = LoopbackPorts.free();
    try (RecognizerHarness h =
        new RecognizerHarness(platform.bootstrapServers(), platform.registryUrl(), "hl", dir)) {
      h.set(RecognizerSettings.METRICS_PORT.name(), Integer.toString(port));
      h.addLabel("waving");
      // what once stopped every recognizer: a record that is not Avro, and a well-formed entry
      // whose prompt has no {} (here for the label that is scored)
      h.sendRawVocabulary(
          "jumping".getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[] {0, 0, 0});
      h.addLabel("waving", List.of("no placeholder"));
      try (RecognizerService service = h.startService()) {
        h.sendBatch("cam", 0);
        h.flush();
        List<Recognition> got = new ArrayList<>();
        h.pollUntil(got, 1, Duration.ofSeconds(60));
        assertThat(got).isNotEmpty();
        assertThat(status(port, "/health/ready")).isEqualTo(200);
        assertThat(status(port, "/health/live")).isEqualTo(200);
        assertThat(body(port, "/health/ready")).contains("checkpoint-follower");
        assertThat(got.get(0).getTop().get(0).getLabel()).isEqualTo("waving");

        // the checkpoints topic: a record that is not an announcement, and an announcement of a
        // file outside the checkpoint store; both refused, the follower and the service live on
        h.sendRawCheckpoint(
            "openmede-tiny".getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[] {1});
        Path outside = java.nio.file.Files.writeString(outsideDir.resolve("w.safetensors"), "x");
        h.announce(
            RecognizerIT.announcement("ckpt-outside", outside, RecognizerIT.sha256(outside), 1));
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!body(port, "/metrics").contains("reason=\"confined\"") && System.nanoTime() < end) {
          Thread.sleep(200);
        }
        assertThat(body(port, "/metrics"))
            .contains("openmede_recognizer_checkpoints_refused_total{reason=\"record\"} 1.0")
            .contains("openmede_recognizer_checkpoints_refused_total{reason=\"confined\"} 1.0");
        assertThat(status(port, "/health/live")).isEqualTo(200);
        assertThat(service.health().live()).isTrue();
        assertThat(body(port, "/metrics"))
            .contains("openmede_recognizer_vocabulary_refused_total{reason=\"value\"} 1.0")
            .contains("openmede_recognizer_vocabulary_refused_total{reason=\"entry\"} 1.0");
        assertThat(service.health().live()).isTrue();

        // each refusal is a dead letter naming the record's place and the reason
        List<String> letters =
            h.deadLetters(Duration.ofSeconds(3)).stream()
                .map(d -> d.getSourceTopic() + "@" + d.getOffset() + " " + d.getError())
                .toList();
        assertThat(letters)
            .anyMatch(l -> l.startsWith("hl.vocabulary@1 refused (value)"))
            .anyMatch(l -> l.startsWith("hl.vocabulary@2 refused (entry)") && l.contains("{}"))
            .anyMatch(l -> l.startsWith("hl.checkpoints@0 refused (record)"))
            .anyMatch(l -> l.startsWith("hl.checkpoints@1 refused (confined)"));
      }
    }
  }

  private void awaitMetric(int port, String line) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!body(port, "/metrics").contains(line) && System.nanoTime() < end) {
      Thread.sleep(200);
    }
    assertThat(body(port, "/metrics")).contains(line);
  }

  private static CheckpointAnnouncement announcement(
      String version, Path weights, long updates, Optional<KeyPair> key) throws Exception {
    CheckpointAnnouncement a =
        RecognizerIT.announcement(
            version, weights, RecognizerIT.sha256(weights), Files.size(weights));
    a.getTraining().setUpdates(updates);
    key.ifPresent(k -> a.setSignature(CheckpointSigning.sign(a, k)));
    return a;
  }

  @Test
  void requiringSignatures_unsignedForeignAndOlderAreRefused_theSignedOneIsSwappedIn(
      @TempDir Path dir) throws Exception {
    KeyPair trainer = KeyFiles.generate();
    KeyPair stranger = KeyFiles.generate();
    Path keys = dir.resolve("keys");
    KeyFiles.write(trainer, keys.resolve("trainer.key"), keys.resolve("trainer.pub"));
    Path weights = dir.resolve("v2.safetensors");
    try (ClipModel m = ClipModel.random(ClipConfig.preset("tiny"), 7, ComputeDevice.CPU)) {
      m.saveSafetensors(weights);
    }
    int port = LoopbackPorts.free();
    try (RecognizerHarness h =
        new RecognizerHarness(platform.bootstrapServers(), platform.registryUrl(), "sig", dir)) {
      h.set(RecognizerSettings.METRICS_PORT.name(), Integer.toString(port));
      h.set(RecognizerSettings.TRUSTED_KEYS.name(), keys.resolve("trainer.pub").toString());
      h.addLabel("waving");
      try (RecognizerService service = h.startService()) {
        String initial = service.servingVersion();
        h.announce(announcement("ckpt-unsigned", weights, 5, Optional.empty()));
        awaitMetric(port, "openmede_recognizer_checkpoints_refused_total{reason=\"unsigned\"} 1.0");
        h.announce(announcement("ckpt-foreign", weights, 5, Optional.of(stranger)));
        awaitMetric(
            port, "openmede_recognizer_checkpoints_refused_total{reason=\"signature\"} 1.0");
        assertThat(service.servingVersion()).isEqualTo(initial);

        h.announce(announcement("ckpt-signed", weights, 5, Optional.of(trainer)));
        awaitMetric(port, "openmede_recognizer_checkpoints_installed_total 1.0");
        assertThat(service.servingVersion()).isEqualTo("ckpt-signed");

        // signed, but older than what is served: not a downgrade by default
        h.announce(announcement("ckpt-older", weights, 2, Optional.of(trainer)));
        awaitMetric(
            port, "openmede_recognizer_checkpoints_refused_total{reason=\"downgrade\"} 1.0");
        assertThat(service.servingVersion()).isEqualTo("ckpt-signed");

        h.sendBatch("cam", 0);
        h.flush();
        List<Recognition> got = new ArrayList<>();
        h.pollUntil(got, 1, Duration.ofSeconds(60));
        assertThat(got).isNotEmpty();
        assertThat(got.get(got.size() - 1).getModelVersion()).isEqualTo("ckpt-signed");
        assertThat(service.health().live()).isTrue();
      }
    }
  }

  @Test
  void anUnreadableTrustedKeyStopsTheStartWithTheFix(@TempDir Path dir) throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.pub"), "not a key");
    try (RecognizerHarness h =
        new RecognizerHarness(platform.bootstrapServers(), platform.registryUrl(), "sigbad", dir)) {
      h.set(RecognizerSettings.TRUSTED_KEYS.name(), junk.toString());
      assertThatThrownBy(h::startService)
          .isInstanceOf(SettingsException.class)
          .hasMessageContaining("recognizer.checkpoints.trusted-keys")
          .hasMessageContaining("junk.pub")
          .hasMessageContaining("openmede keys generate");
    }
  }

  @Test
  void restartedWithBadVocabularyRecordsStillOnTheTopic_restoresTheGoodEntriesAndRecognizes(
      @TempDir Path dir) throws Exception {
    int port = LoopbackPorts.free();
    try (RecognizerHarness h =
        new RecognizerHarness(platform.bootstrapServers(), platform.registryUrl(), "rst", dir)) {
      h.set(RecognizerSettings.METRICS_PORT.name(), Integer.toString(port));
      h.addLabel("waving");
      h.sendRawVocabulary("junk".getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[] {7});
      h.sendRawVocabulary(
          "unknown-schema".getBytes(java.nio.charset.StandardCharsets.UTF_8),
          new byte[] {0, 0x7f, 0x7f, 0x7f, 0x7f, 2, 4});
      h.addLabel("", List.of());
      h.addLabel("x".repeat(500_000), List.of()); // key and value: 1 MB together
      List<Recognition> got = new ArrayList<>();
      for (int run = 0; run < 2; run++) {
        if (run == 1) {
          // a new machine: no local state, so the global store is restored from the whole topic,
          // bad records included
          deleteTree(dir.resolve("state"));
        }
        try (RecognizerService service = h.startService()) {
          h.sendBatch("cam-" + run, 0);
          h.flush();
          int before = got.size();
          h.pollUntil(got, before + 1, Duration.ofSeconds(90));
          assertThat(got).hasSizeGreaterThan(before);
          Recognition last = got.get(got.size() - 1);
          assertThat(last.getStreamId()).isEqualTo("cam-" + run);
          assertThat(last.getTop()).extracting(l -> l.getLabel()).containsExactly("waving");
          assertThat(service.health().live()).isTrue();
          assertThat(body(port, "/metrics"))
              .contains("openmede_recognizer_vocabulary_refused_total{reason=\"value\"} 2.0")
              .contains("openmede_recognizer_vocabulary_refused_total{reason=\"entry\"} 2.0");
        }
      }
    }
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void registryStoppedAcrossARestart_healthSaysWhy_noRecordDeadLettered_recognitionResumes(
      @TempDir Path dir) throws Exception {
    int registryPort = LoopbackPorts.free();
    String schemas = "it-outage-schemas";
    io.openmede.embedded.EmbeddedSchemaRegistry registry =
        io.openmede.embedded.EmbeddedSchemaRegistry.start(
            platform.bootstrapServers(), registryPort, schemas);
    int port = LoopbackPorts.free();
    try (RecognizerHarness h =
        new RecognizerHarness(platform.bootstrapServers(), registry.url(), "outage", dir)) {
      h.set(RecognizerSettings.FOLLOW_CHECKPOINTS.name(), "false");
      h.set(RecognizerSettings.METRICS_PORT.name(), Integer.toString(port));
      h.addLabel("waving");
      List<io.openmede.schemas.avro.Recognition> got = new java.util.ArrayList<>();
      try (RecognizerService first = h.startService()) {
        h.sendBatch("cam", 0);
        h.sendBatch("cam", 1);
        h.flush();
        h.pollUntil(got, 2, Duration.ofSeconds(60));
      }
      registry.close();
      // the harness's producer has the frames' schema id: frames flow while the registry is away
      h.sendBatch("cam", 2);
      h.sendBatch("cam", 3);
      h.flush();
      // a new client, serdes and caches, as in a fresh process: nothing is cached
      java.util.concurrent.CompletableFuture<RecognizerService> second =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return RecognizerService.start(
                      io.openmede.schemas.topic.Cluster.from(h.settings()),
                      RecognizerSettings.from(h.settings()),
                      RecognizerHarness.STREAMS_OVERRIDES);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      try {
        String why = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!why.contains("schema registry has been away") && System.nanoTime() < deadline) {
          Thread.sleep(200);
          why = status(port, "/health/ready") == 503 ? body(port, "/health/ready") : "";
        }
        assertThat(why).contains("schema-registry").contains("none is dead-lettered");
        assertThat(status(port, "/health/live")).isEqualTo(200);
        Thread.sleep(10_000); // away for a while across the restart
        registry =
            io.openmede.embedded.EmbeddedSchemaRegistry.start(
                platform.bootstrapServers(), registryPort, schemas);
        try (RecognizerService service = second.get(90, java.util.concurrent.TimeUnit.SECONDS)) {
          assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
          h.pollUntil(got, 4, Duration.ofSeconds(60));
          h.poll(got, Duration.ofSeconds(1));
          assertThat(service.metrics().deadLetters.labelValues("deserialization").get()).isZero();
          assertThat(service.health().ready()).isTrue();
        }
      } finally {
        second.thenAccept(RecognizerService::close);
      }
      assertThat(got)
          .extracting(r -> r.getStreamId() + ":" + r.getFirstSequence())
          .containsExactlyInAnyOrder("cam:0", "cam:4", "cam:8", "cam:12");
      assertThat(h.deadLetters(Duration.ofSeconds(2))).isEmpty();
    } finally {
      registry.close();
    }
  }
}
