package io.openmede.recognizer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.recognizer.RecognizerService;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.recognizer.testing.Frames;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.OpenSetThresholds;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.avro.TrainingSummary;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The recognizer on the embedded broker and registry, exactly-once v2, tiny model, 32x32 JPEG. */
class RecognizerIT {

  static EmbeddedPlatform platform;

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

  RecognizerHarness harness(String prefix, Path dir) {
    return new RecognizerHarness(platform.bootstrapServers(), platform.registryUrl(), prefix, dir);
  }

  static String key(Recognition r) {
    return r.getStreamId() + ":" + r.getFirstSequence();
  }

  static List<String> labels(Recognition r) {
    return r.getTop().stream().map(LabelScore::getLabel).toList();
  }

  static void assertExactlyOnce(List<Recognition> got, int expected) {
    assertThat(got.stream().map(RecognizerIT::key).distinct().count()).isEqualTo(expected);
    assertThat(got).hasSize(expected);
  }

  Process launch(RecognizerHarness h, Path log) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    for (String p :
        List.of("org.apache.avro.SERIALIZABLE_PACKAGES", "org.bytedeco.javacpp.cachedir")) {
      if (System.getProperty(p) != null) {
        cmd.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    cmd.add(io.openmede.recognizer.process.RecognizerProcess.class.getName());
    cmd.addAll(h.settingsArgs());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    CountDownLatch running = new CountDownLatch(1);
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  Files.writeString(
                      log,
                      line + "\n",
                      java.nio.file.StandardOpenOption.CREATE,
                      java.nio.file.StandardOpenOption.APPEND);
                  if (line.equals("RUNNING")) {
                    running.countDown();
                  }
                }
              } catch (Exception e) {
                // the process was killed
              }
            });
    pump.setDaemon(true);
    pump.start();
    if (!running.await(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("recognizer process did not start; see " + log);
    }
    return p;
  }

  @ParameterizedTest(name = "state in {0}")
  @ValueSource(strings = {"memory", "rocksdb"})
  void killedMidStream_restartedInANewProcess_everyWindowRecognizedExactlyOnce(
      String store, @TempDir Path dir) throws Exception {
    try (RecognizerHarness h = harness("crash-" + store, dir)) {
      h.set(RecognizerSettings.FOLLOW_CHECKPOINTS.name(), "false");
      h.set(RecognizerSettings.STATE_STORE.name(), store);
      h.addLabel("waving");
      List<String> streams = List.of("cam-0", "cam-1", "cam-2");
      Process first = launch(h, dir.resolve("first.log"));
      List<Recognition> got = new ArrayList<>();
      try {
        for (long b = 0; b < 6; b++) {
          for (String s : streams) {
            h.sendBatch(s, b);
          }
          h.flush();
          Thread.sleep(100);
        }
        h.pollUntil(got, 3, Duration.ofSeconds(60));
        assertThat(got).isNotEmpty();
        for (long b = 6; b < 8; b++) { // in flight when the process dies
          for (String s : streams) {
            h.sendBatch(s, b);
          }
        }
        h.flush();
      } finally {
        first.destroyForcibly().waitFor();
      }
      for (long b = 8; b < 10; b++) {
        for (String s : streams) {
          h.sendBatch(s, b);
        }
      }
      h.flush();
      Process second = launch(h, dir.resolve("second.log"));
      try {
        h.pollUntil(got, 30, Duration.ofSeconds(90));
        h.poll(got, Duration.ofSeconds(2)); // any duplicate would show up now
      } finally {
        second.destroyForcibly().waitFor();
      }
      assertExactlyOnce(got, 30);
    }
  }

  @Test
  void vocabularyPublishedWhileFramesFlow_laterWindowsScoreTheNewLabel(@TempDir Path dir)
      throws Exception {
    try (RecognizerHarness h = harness("vocab", dir)) {
      h.set(RecognizerSettings.FOLLOW_CHECKPOINTS.name(), "false");
      h.addLabel("waving");
      List<Recognition> got = new ArrayList<>();
      try (RecognizerService service = h.startService()) {
        for (long b = 0; b < 4; b++) {
          h.sendBatch("cam", b);
          h.flush();
          Thread.sleep(50);
        }
        h.pollUntil(got, 4, Duration.ofSeconds(30));
        h.addLabel("jumping");
        for (long b = 4; b < 16; b++) {
          h.sendBatch("cam", b);
          h.flush();
          Thread.sleep(100);
        }
        h.pollUntil(got, 16, Duration.ofSeconds(30));
      }
      assertExactlyOnce(got, 16);
      got.sort(java.util.Comparator.comparingLong(Recognition::getFirstSequence));
      assertThat(labels(got.get(0))).containsExactly("waving");
      int firstNew = -1;
      for (int i = 0; i < got.size(); i++) {
        if (labels(got.get(i)).contains("jumping")) {
          firstNew = i;
          break;
        }
      }
      assertThat(firstNew).isBetween(4, 15);
      for (Recognition r : got.subList(firstNew, got.size())) {
        assertThat(labels(r)).containsExactlyInAnyOrder("waving", "jumping");
        assertThat(r.getVocabularyVersion()).isGreaterThan(got.get(0).getVocabularyVersion());
      }
    }
  }

  static CheckpointAnnouncement announcement(String version, Path file, String sha, long size) {
    return CheckpointAnnouncement.newBuilder()
        .setModelName("openmede-tiny") // the default line of the tiny preset
        .setVersion(version)
        .setUri(file.toUri().toString())
        .setSha256(sha)
        .setSizeBytes(size)
        .setPreset("tiny")
        .setTraining(
            new TrainingSummary("open-mede", 1L, 8L, Map.of(), 15.0, 10.0, 4, 1, 1e-3, 1e-3, 1.0))
        .setCreatedAt(Instant.now())
        .build();
  }

  static String sha256(Path f) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }

  @Test
  void checkpointAnnouncedWhileFramesFlow_versionSwitchesWithNoWindowLostOrDoubled(
      @TempDir Path dir) throws Exception {
    Path weights = dir.resolve("v2.safetensors");
    try (ClipModel m = ClipModel.random(ClipConfig.preset("tiny"), 99, ComputeDevice.CPU)) {
      m.saveSafetensors(weights);
    }
    try (RecognizerHarness h = harness("swap", dir)) {
      h.addLabel("waving");
      h.addLabel("jumping");
      List<Recognition> got = new ArrayList<>();
      String initial;
      int windows;
      try (RecognizerService service = h.startService()) {
        initial = service.servingVersion();
        long b = 0;
        for (; b < 24; b++) {
          h.sendBatch("cam-a", b);
          h.sendBatch("cam-b", b);
          h.flush();
          if (b == 4) {
            // the initial model has scored some windows; swap while the rest flow
            h.pollUntil(got, 4, Duration.ofSeconds(30));
            // with max-softmax thresholds that no window can reach (a probability of 2), and no
            // learned background class, so that the default learned-background score falls back
            // to them: every window the new model scores is unknown
            CheckpointAnnouncement a =
                announcement("ckpt-2", weights, sha256(weights), Files.size(weights));
            a.setOpenSet(
                List.of(
                    OpenSetThresholds.newBuilder()
                        .setScore("max-softmax")
                        .setTargetRecall(0.9)
                        .setThresholds(Map.of())
                        .setFallback(2.0)
                        .setWidth(0.1)
                        .build()));
            h.announce(a);
          }
          Thread.sleep(120);
        }
        // the follower runs at nice 19: on a loaded machine the swap can take longer than those
        // batches, so frames keep flowing until it is done, and a few more after it
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!service.servingVersion().equals("ckpt-2") && System.nanoTime() < deadline) {
          h.sendBatch("cam-a", b);
          h.sendBatch("cam-b", b);
          h.flush();
          b++;
          Thread.sleep(120);
        }
        for (int more = 0; more < 4; more++, b++) {
          h.sendBatch("cam-a", b);
          h.sendBatch("cam-b", b);
          h.flush();
          Thread.sleep(120);
        }
        windows = (int) (2 * b);
        h.pollUntil(got, windows, Duration.ofSeconds(60));
        h.poll(got, Duration.ofSeconds(1));
        assertThat(service.servingVersion()).isEqualTo("ckpt-2");
        assertThat(service.metrics().checkpointsInstalled.get()).isEqualTo(1.0);
      }
      assertExactlyOnce(got, windows);
      for (String stream : List.of("cam-a", "cam-b")) {
        List<String> versions =
            got.stream()
                .filter(r -> r.getStreamId().equals(stream))
                .sorted(java.util.Comparator.comparingLong(Recognition::getFirstSequence))
                .map(Recognition::getModelVersion)
                .toList();
        assertThat(versions.get(0)).isEqualTo(initial);
        assertThat(versions.get(versions.size() - 1)).isEqualTo("ckpt-2");
        int switchAt = versions.indexOf("ckpt-2");
        assertThat(versions.subList(0, switchAt)).containsOnly(initial);
        assertThat(versions.subList(switchAt, versions.size())).containsOnly("ckpt-2");
      }
      // the thresholds came with the checkpoint: the initial model decided nothing, ckpt-2 with
      // its own thresholds, from its first window on
      for (Recognition r : got) {
        if (r.getModelVersion().equals("ckpt-2")) {
          assertThat(r.getOpenSetScore()).isEqualTo("max-softmax");
          assertThat(r.getUnknown()).isTrue();
          assertThat(r.getTop()).allSatisfy(l -> assertThat(l.getCalibrated()).isLessThan(0.5));
        } else {
          assertThat(r.getOpenSetScore()).isNull();
          assertThat(r.getUnknown()).isFalse();
          assertThat(r.getTop()).allSatisfy(l -> assertThat(l.getCalibrated()).isNull());
        }
      }
    }
  }

  @Test
  void vocabCommand_addImportRemoveList_publishesAndReadsTheTopic(@TempDir Path dir)
      throws Exception {
    try (RecognizerHarness h = harness("vocabcli", dir)) {
      List<String> common = new ArrayList<>();
      for (String kv : h.settingsArgs()) {
        if (!kv.startsWith("recognizer.")) {
          common.add("--set");
          common.add(kv);
        }
      }
      Path map = Files.writeString(dir.resolve("labels.csv"), "id,name\n0,abseiling\n1,yoga\n");
      List<List<String>> commands =
          List.of(
              List.of("add", "waving", "--prompt", "a clip of {}."),
              List.of("import", map.toString()),
              List.of("remove", "yoga"));
      for (List<String> c : commands) {
        List<String> args = new ArrayList<>(c);
        args.addAll(common);
        assertThat(
                new picocli.CommandLine(new io.openmede.recognizer.cli.VocabCommand())
                    .execute(args.toArray(String[]::new)))
            .as("vocab %s", c)
            .isZero();
      }
      // records other programs wrote: skipped with a reason, the good entries stay
      h.sendRawVocabulary("waving".getBytes(StandardCharsets.UTF_8), new byte[] {9, 9});
      h.addLabel("waving", List.of("no placeholder"));
      Map<String, io.openmede.schemas.avro.VocabularyEntry> entries =
          io.openmede.recognizer.cli.VocabCommand.read(h.cluster);
      assertThat(entries).containsOnlyKeys("abseiling", "waving");
      assertThat(entries.get("waving").getPrompts()).containsExactly("a clip of {}.");
      assertThat(entries.get("abseiling").getPrompts()).isEmpty();
    }
  }

  @Test
  void tamperedCheckpoint_isRefusedAndTheCurrentModelKeepsServing(@TempDir Path dir)
      throws Exception {
    Path weights = dir.resolve("v3.safetensors");
    try (ClipModel m = ClipModel.random(ClipConfig.preset("tiny"), 5, ComputeDevice.CPU)) {
      m.saveSafetensors(weights);
    }
    String announcedSha = sha256(weights);
    byte[] bytes = Files.readAllBytes(weights);
    bytes[bytes.length - 1] ^= 1; // tampered after announcement
    Files.write(weights, bytes);
    try (RecognizerHarness h = harness("tamper", dir)) {
      h.addLabel("waving");
      List<Recognition> got = new ArrayList<>();
      try (RecognizerService service = h.startService()) {
        String initial = service.servingVersion();
        h.announce(announcement("ckpt-bad", weights, announcedSha, bytes.length));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (service.metrics().checkpointsRefused.labelValues("hash").get() < 1
            && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertThat(service.metrics().checkpointsRefused.labelValues("hash").get()).isEqualTo(1.0);
        for (long b = 0; b < 6; b++) {
          h.sendBatch("cam", b);
        }
        h.flush();
        h.pollUntil(got, 6, Duration.ofSeconds(30));
        assertThat(service.servingVersion()).isEqualTo(initial);
        assertExactlyOnce(got, 6);
        assertThat(got).extracting(Recognition::getModelVersion).containsOnly(initial);
      }
    }
  }

  @Test
  void streamIdTooLongForTheRecognitionsTopic_isDeadLettered_andTheSameKeyAndOthersGoOn(
      @TempDir Path dir) throws Exception {
    try (RecognizerHarness h = harness("long-id", dir)) {
      h.set(RecognizerSettings.FOLLOW_CHECKPOINTS.name(), "false");
      h.addLabel("waving");
      List<Recognition> got = new ArrayList<>();
      // 1.1 MB of stream id: the frames topic takes it, a recognition (1 MiB topic) could not
      String huge = "x".repeat(1_100_000);
      try (RecognizerService service = h.startService()) {
        h.sendBatch("cam-a", 0);
        h.sendBatch("cam-b", 0);
        h.send("cam-a", Frames.batch(huge, 1, 4, 7, FrameEncoding.JPEG));
        for (long b = 1; b < 4; b++) {
          h.sendBatch("cam-a", b);
          h.sendBatch("cam-b", b);
        }
        h.flush();
        h.pollUntil(got, 8, Duration.ofSeconds(60));
        h.poll(got, Duration.ofSeconds(1));
        assertThat(service.metrics().deadLetters.labelValues("bad-stream-id").get()).isEqualTo(1.0);
        assertThat(service.streams().state().isRunningOrRebalancing()).isTrue();
      }
      assertExactlyOnce(got, 8);
      assertThat(got).extracting(Recognition::getStreamId).containsOnly("cam-a", "cam-b");
      List<io.openmede.schemas.avro.DeadLetter> letters = h.deadLetters(Duration.ofSeconds(2));
      assertThat(letters).hasSize(1);
      assertThat(letters.get(0).getError())
          .contains("a stream id of 1100000 characters")
          .contains("must be 1 to 200 characters");
      assertThat(letters.get(0).getOriginalKey())
          .isEqualTo(java.nio.ByteBuffer.wrap("cam-a".getBytes(StandardCharsets.UTF_8)));
    }
  }
}
