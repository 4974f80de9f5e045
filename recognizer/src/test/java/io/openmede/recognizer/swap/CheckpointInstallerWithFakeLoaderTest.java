package io.openmede.recognizer.swap;

import static io.openmede.recognizer.swap.CheckpointFetcherTest.announcement;
import static io.openmede.recognizer.swap.CheckpointFetcherTest.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.platform.signing.KeyFiles;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import io.openmede.schemas.checkpoint.OperatorDecisions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The installer's sequencing with a FAKE loader (the file's text is the "architecture"). */
class CheckpointInstallerWithFakeLoaderTest {

  record FakeModel(String arch, List<String> log) implements AutoCloseable {
    @Override
    public void close() {
      log.add(
          "closed "
              + arch
              + (Thread.currentThread().getName().equals("model-closer")
                  ? " in the background"
                  : ""));
    }
  }

  @TempDir Path dir;
  final List<String> log = new ArrayList<>();
  final List<String> events = new ArrayList<>();
  final List<String> swaps = new ArrayList<>();
  List<ModelSlot<FakeModel>> slots = List.of();

  final CheckpointInstaller.Loader<FakeModel> loader =
      new CheckpointInstaller.Loader<>() {
        @Override
        public FakeModel load(Path weights, int replica) throws IOException {
          String text = Files.readString(weights);
          if (text.startsWith("garbage")) {
            throw new IOException("not a safetensors file");
          }
          log.add("loaded " + text + " on " + replica);
          return new FakeModel(text, log);
        }

        @Override
        public Optional<String> incompatibility(FakeModel candidate, FakeModel serving) {
          return candidate.arch().startsWith(serving.arch().substring(0, 4))
              ? Optional.empty()
              : Optional.of(candidate.arch() + " is not " + serving.arch());
        }

        @Override
        public void warm(FakeModel model, String version) {
          log.add("warmed " + model.arch());
        }
      };

  final CheckpointInstaller.Listener listener =
      new CheckpointInstaller.Listener() {
        @Override
        public void installed(String version) {
          events.add("installed " + version);
        }

        @Override
        public void refused(String version, String reason) {
          events.add("refused " + version + " " + reason);
        }

        @Override
        public void swapping(CheckpointAnnouncement a) {
          swaps.add(a.getVersion() + " while serving " + slots.get(0).version());
        }
      };

  List<ModelSlot<FakeModel>> slots() {
    slots =
        List.of(
            new ModelSlot<>(new FakeModel("tiny-a", log), "v1"),
            new ModelSlot<>(new FakeModel("tiny-a", log), "v1"));
    return slots;
  }

  CheckpointInstaller<FakeModel> installer(List<ModelSlot<FakeModel>> slots) {
    return installer(slots, CheckpointPolicy.UNSIGNED);
  }

  CheckpointInstaller<FakeModel> installer(
      List<ModelSlot<FakeModel>> slots, CheckpointPolicy policy) {
    return new CheckpointInstaller<>(
        new CheckpointFetcher(dir.resolve("cache"), java.util.List.of(dir)),
        slots,
        loader,
        listener,
        policy);
  }

  CheckpointAnnouncement tinyB(String version, long updates, long createdAtMillis)
      throws Exception {
    Path w = weights("tiny-b");
    CheckpointAnnouncement a =
        announcement(version, w.toString(), sha256("tiny-b".getBytes()), 6, "t");
    a.getTraining().setUpdates(updates);
    a.setCreatedAt(Instant.ofEpochMilli(createdAtMillis));
    return a;
  }

  Path weights(String text) throws Exception {
    return Files.writeString(dir.resolve(text + ".bin"), text);
  }

  @Test
  void install_toldOfTheAnnouncementJustBeforeTheSwap_andNotOfARefusedOne() throws Exception {
    List<ModelSlot<FakeModel>> slots = slots();
    CheckpointInstaller<FakeModel> installer = installer(slots);
    installer.install(tinyB("v2", 2, 0));
    Path w = weights("garbage");
    assertThatThrownBy(
            () ->
                installer.install(
                    announcement("v3", w.toString(), sha256("garbage".getBytes()), 7, "t")))
        .isInstanceOf(CheckpointRefusedException.class);
    assertThat(swaps).containsExactly("v2 while serving v1");
  }

  @Test
  void install_goodCheckpoint_loadsAndWarmsEveryReplicaBeforeSwapping() throws Exception {
    List<ModelSlot<FakeModel>> slots = slots();
    Path w = weights("tiny-b");
    installer(slots).install(announcement("v2", w.toString(), sha256("tiny-b".getBytes()), 6, "t"));
    assertThat(log)
        .containsExactly(
            "loaded tiny-b on 0",
            "warmed tiny-b",
            "loaded tiny-b on 1",
            "warmed tiny-b",
            "closed tiny-a",
            "closed tiny-a");
    assertThat(slots).allSatisfy(s -> assertThat(s.version()).isEqualTo("v2"));
    assertThat(events).containsExactly("installed v2");
  }

  @Test
  void install_otherArchitecture_isRefusedAndEveryLoadedCopyClosed() throws Exception {
    List<ModelSlot<FakeModel>> slots = slots();
    Path w = weights("vitb-x");
    assertThatThrownBy(
            () ->
                installer(slots)
                    .install(announcement("v2", w.toString(), sha256("vitb-x".getBytes()), 6, "t")))
        .isInstanceOf(CheckpointRefusedException.class)
        .hasMessageContaining("refused (architecture): vitb-x is not tiny-a");
    assertThat(log).containsExactly("loaded vitb-x on 0", "closed vitb-x");
    assertThat(slots).allSatisfy(s -> assertThat(s.version()).isEqualTo("v1"));
    assertThat(events).containsExactly("refused v2 architecture");
  }

  @Test
  void install_unreadableWeights_isRefused() throws Exception {
    List<ModelSlot<FakeModel>> slots = slots();
    Path w = weights("garbage");
    assertThatThrownBy(
            () ->
                installer(slots)
                    .install(
                        announcement("v2", w.toString(), sha256("garbage".getBytes()), 7, "t")))
        .hasMessageContaining("refused (unreadable): not a safetensors file");
    assertThat(slots).allSatisfy(s -> assertThat(s.version()).isEqualTo("v1"));
    assertThat(events).containsExactly("refused v2 unreadable");
  }

  @Test
  void install_tamperedFile_isRefusedBeforeLoading() throws Exception {
    List<ModelSlot<FakeModel>> slots = slots();
    Path w = weights("tiny-b");
    String announcedHash = sha256("tiny-c".getBytes());
    assertThatThrownBy(
            () -> installer(slots).install(announcement("v2", w.toString(), announcedHash, 6, "t")))
        .hasMessageContaining("refused (hash)");
    assertThat(log).isEmpty();
    assertThat(events).containsExactly("refused v2 hash");
  }

  @Test
  void install_requiringSignatures_refusesUnsignedAndForeignBeforeFetchingAndTakesTheSigned()
      throws Exception {
    List<ModelSlot<FakeModel>> slots = slots();
    KeyPair trainer = KeyFiles.generate();
    KeyPair stranger = KeyFiles.generate();
    CheckpointInstaller<FakeModel> installer =
        installer(slots, new CheckpointPolicy(List.of(trainer.getPublic()), false));

    CheckpointAnnouncement unsigned = tinyB("v2", 5, 0);
    assertThatThrownBy(() -> installer.install(unsigned))
        .hasMessageContaining("refused (unsigned)");
    CheckpointAnnouncement foreign = tinyB("v3", 5, 0);
    foreign.setSignature(CheckpointSigning.sign(foreign, stranger));
    assertThatThrownBy(() -> installer.install(foreign))
        .hasMessageContaining("refused (signature)")
        .hasMessageContaining(CheckpointSigning.keyId(stranger.getPublic()));
    assertThat(log).isEmpty(); // nothing was even loaded
    assertThat(Files.exists(dir.resolve("cache")) ? Files.list(dir.resolve("cache")).count() : 0)
        .isZero(); // nor fetched
    assertThat(slots).allSatisfy(s -> assertThat(s.version()).isEqualTo("v1"));

    CheckpointAnnouncement good = tinyB("v4", 5, 0);
    good.setSignature(CheckpointSigning.sign(good, trainer));
    installer.install(good);
    assertThat(slots).allSatisfy(s -> assertThat(s.version()).isEqualTo("v4"));
    assertThat(events)
        .containsExactly("refused v2 unsigned", "refused v3 signature", "installed v4");
  }

  @Test
  void install_olderThanServing_isRefusedUnlessDowngradesAreAllowed() throws Exception {
    List<ModelSlot<FakeModel>> slots = slots();
    CheckpointInstaller<FakeModel> installer = installer(slots);
    installer.install(tinyB("v20", 20, 2_000));
    assertThatThrownBy(() -> installer.install(tinyB("v10", 10, 9_000)))
        .hasMessageContaining("refused (downgrade)")
        .hasMessageContaining("recognizer.checkpoints.allow-downgrade");
    assertThatThrownBy(() -> installer.install(tinyB("v20-early", 20, 1_000)))
        .hasMessageContaining("refused (downgrade)");
    installer.install(tinyB("v20-late", 20, 3_000)); // as many updates, created later
    installer.install(tinyB("v30", 30, 0));
    assertThat(slots).allSatisfy(s -> assertThat(s.version()).isEqualTo("v30"));
    assertThat(events)
        .containsExactly(
            "installed v20",
            "refused v10 downgrade",
            "refused v20-early downgrade",
            "installed v20-late",
            "installed v30");

    List<ModelSlot<FakeModel>> rollback = slots();
    CheckpointInstaller<FakeModel> lenient =
        installer(rollback, new CheckpointPolicy(List.of(), true));
    lenient.install(tinyB("v20", 20, 2_000));
    lenient.install(tinyB("v10", 10, 1_000));
    assertThat(rollback).allSatisfy(s -> assertThat(s.version()).isEqualTo("v10"));
  }

  CheckpointInstaller<FakeModel> installerRemembering(
      List<ModelSlot<FakeModel>> slots, Path memory) {
    return new CheckpointInstaller<>(
        new CheckpointFetcher(dir.resolve("cache"), java.util.List.of(dir)),
        slots,
        loader,
        listener,
        CheckpointPolicy.UNSIGNED,
        ServingMemory.in(memory));
  }

  @Test
  void restartedAfterServingB_servesBAgain_andAReplayedOlderAIsARefusedDowngrade()
      throws Exception {
    Path memory = dir.resolve("state").resolve("app.serving-openmede-tiny.properties");
    CheckpointAnnouncement a = tinyB("A", 2, 1_000);
    CheckpointAnnouncement b = tinyB("B", 4, 2_000);
    CheckpointInstaller<FakeModel> first = installerRemembering(slots(), memory);
    assertThat(first.resume()).isEmpty();
    first.install(a);
    first.install(b);
    assertThat(first.servingVersion()).isEqualTo("B");
    // the process restarts: fresh slots with the initial weights v1, the same memory file
    List<ModelSlot<FakeModel>> restarted = slots();
    CheckpointInstaller<FakeModel> second = installerRemembering(restarted, memory);
    assertThat(second.resume()).contains("B");
    assertThat(second.servingVersion()).isEqualTo("B");
    events.clear();
    assertThatThrownBy(() -> second.install(a))
        .isInstanceOf(CheckpointRefusedException.class)
        .hasMessageContaining("older");
    assertThat(events).containsExactly("refused A downgrade");
    assertThat(second.servingVersion()).isEqualTo("B");
  }

  @Test
  void restartedWhenTheRememberedWeightsAreGone_initialWeightsServe_butAnOlderAIsStillRefused()
      throws Exception {
    Path memory = dir.resolve("state").resolve("app.serving-openmede-tiny.properties");
    CheckpointAnnouncement a = tinyB("A", 2, 1_000);
    CheckpointAnnouncement b = tinyB("B", 4, 2_000);
    CheckpointInstaller<FakeModel> first = installerRemembering(slots(), memory);
    first.install(b);
    // the checkpoint store and the cache lost B's weights: B cannot be fetched again
    Files.deleteIfExists(dir.resolve("tiny-b.bin"));
    try (var cached = Files.list(dir.resolve("cache"))) {
      for (Path p : cached.toList()) {
        Files.delete(p);
      }
    }
    CheckpointInstaller<FakeModel> second = installerRemembering(slots(), memory);
    assertThat(second.resume()).contains("B");
    assertThat(second.servingVersion()).isEqualTo("v1");
    assertThatThrownBy(() -> second.install(a)).hasMessageContaining("older");
    assertThat(second.servingVersion()).isEqualTo("v1");
  }

  @Test
  void rehearse_loadsWarmsAndHandsOverAThrowawayPerReplica_andChangesNothing() throws Exception {
    Path memory = dir.resolve("state").resolve("app.serving-openmede-tiny.properties");
    List<ModelSlot<FakeModel>> slots = slots();
    List<FakeModel> serving = slots.stream().map(ModelSlot::peek).toList();
    CheckpointInstaller<FakeModel> installer = installerRemembering(slots, memory);
    assertThat(installer.resume()).isEmpty();
    installer.rehearse(weights("tiny-a"));
    assertThat(log)
        .containsExactly(
            "loaded tiny-a on 0",
            "warmed tiny-a",
            "closed tiny-a in the background",
            "loaded tiny-a on 1",
            "warmed tiny-a",
            "closed tiny-a in the background");
    assertThat(slots).extracting(ModelSlot::version).containsOnly("v1");
    assertThat(slots.get(0).peek()).isSameAs(serving.get(0));
    assertThat(slots.get(1).peek()).isSameAs(serving.get(1));
    assertThat(events).isEmpty();
    assertThat(installer.swappedOnce()).isFalse();
    assertThat(ServingMemory.in(memory).load()).isEmpty();
    try (var cached = Files.list(dir.resolve("cache"))) {
      assertThat(cached.toList()).as("the rehearsal's copy is deleted").isEmpty();
    }
  }

  @Test
  void rehearse_otherArchitecture_failsAndClosesTheThrowaway() throws Exception {
    List<ModelSlot<FakeModel>> slots = slots();
    CheckpointInstaller<FakeModel> installer = installer(slots);
    assertThatThrownBy(() -> installer.rehearse(weights("vit-b")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("vit-b is not tiny-a");
    assertThat(log).containsExactly("loaded vit-b on 0", "closed vit-b");
    assertThat(slots).extracting(ModelSlot::version).containsOnly("v1");
  }

  @Test
  void swappedOnce_afterAnInstallOrAResumeThatInstalled() throws Exception {
    Path memory = dir.resolve("state").resolve("app.serving-openmede-tiny.properties");
    CheckpointInstaller<FakeModel> first = installerRemembering(slots(), memory);
    assertThat(first.swappedOnce()).isFalse();
    first.install(tinyB("B", 4, 2_000));
    assertThat(first.swappedOnce()).isTrue();
    CheckpointInstaller<FakeModel> restarted = installerRemembering(slots(), memory);
    assertThat(restarted.resume()).contains("B");
    assertThat(restarted.swappedOnce()).as("resume installed B: the path has run").isTrue();
  }

  @Test
  void oversizedMemory_isNotRead_andTreatedAsAbsent() throws Exception {
    Path memory = dir.resolve("state").resolve("big.properties");
    ServingMemory.in(memory).save(new ServingMemory.Remembered(tinyB("B", 4, 2_000), true));
    assertThat(ServingMemory.in(memory).load()).as("a valid memory is read").isPresent();
    // still a valid properties file, padded past the bound with a key nobody reads
    Files.writeString(
        memory,
        "\npadding=" + "x".repeat((int) ServingMemory.MAX_FILE_BYTES),
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(ServingMemory.in(memory).load()).isEmpty();
    CheckpointInstaller<FakeModel> installer = installerRemembering(slots(), memory);
    assertThat(installer.resume()).isEmpty();
  }

  @Test
  void unreadableMemory_isTreatedAsAbsent() throws Exception {
    Path memory = Files.writeString(dir.resolve("broken.properties"), "schema=not json\n");
    CheckpointInstaller<FakeModel> installer = installerRemembering(slots(), memory);
    assertThat(installer.resume()).isEmpty();
    installer.install(tinyB("B", 4, 2_000));
    assertThat(installer.servingVersion()).isEqualTo("B");
    assertThat(ServingMemory.in(memory).load()).isPresent();
  }

  @Test
  void aHeldBackCandidate_isNeverInstalled_aPromotedOneIs() throws Exception {
    CheckpointInstaller<FakeModel> installer = installer(slots());
    CheckpointAnnouncement held = tinyB("v2", 2, 0);
    held.setStatus(io.openmede.schemas.avro.CheckpointStatus.HELD_BACK);
    held.setGate(
        io.openmede.schemas.avro.GateDecision.newBuilder()
            .setReason("guard top-1 0.2 vs serving 0.6")
            .build());
    assertThatThrownBy(() -> installer.install(held))
        .isInstanceOf(CheckpointRefusedException.class)
        .hasMessageContaining("held-back")
        .hasMessageContaining("guard top-1 0.2")
        .hasMessageContaining("openmede model promote v2");
    assertThat(installer.servingVersion()).isEqualTo("v1");
    assertThat(log).isEmpty(); // nothing fetched, loaded or warmed
    CheckpointAnnouncement good = tinyB("v3", 3, 0);
    good.setStatus(io.openmede.schemas.avro.CheckpointStatus.PROMOTED);
    installer.install(good);
    assertThat(installer.servingVersion()).isEqualTo("v3");
  }

  CheckpointInstaller<FakeModel> installerRemembering(
      List<ModelSlot<FakeModel>> slots, Path memory, CheckpointPolicy policy) {
    return new CheckpointInstaller<>(
        new CheckpointFetcher(dir.resolve("cache"), java.util.List.of(dir)),
        slots,
        loader,
        listener,
        policy,
        ServingMemory.in(memory));
  }

  CheckpointAnnouncement signedB(String version, long updates, long createdAt, KeyPair key)
      throws Exception {
    CheckpointAnnouncement a = tinyB(version, updates, createdAt);
    a.setStatus(io.openmede.schemas.avro.CheckpointStatus.PROMOTED);
    a.setSignature(CheckpointSigning.sign(a, key));
    return a;
  }

  static CheckpointAnnouncement decision(
      CheckpointAnnouncement a, OperatorDecisions.Action action, long at, KeyPair key) {
    return OperatorDecisions.decide(a, action, Instant.ofEpochMilli(at), key);
  }

  @Test
  void rollbackToA_operatorSigned_isInstalledAndStaysPinnedAfterARestart_untilUnpin()
      throws Exception {
    KeyPair trainer = KeyFiles.generate();
    KeyPair operator = KeyFiles.generate();
    CheckpointPolicy policy =
        new CheckpointPolicy(List.of(trainer.getPublic()), false, List.of(operator.getPublic()));
    Path memory = dir.resolve("state").resolve("app.serving-openmede-tiny.properties");
    CheckpointAnnouncement a = signedB("A", 2, 1_000, trainer);
    CheckpointAnnouncement b = signedB("B", 4, 2_000, trainer);
    CheckpointAnnouncement rollbackA =
        decision(a, OperatorDecisions.Action.ROLLBACK, 3_000, operator);
    CheckpointAnnouncement c = signedB("C", 6, 4_000, trainer);
    CheckpointInstaller<FakeModel> first = installerRemembering(slots(), memory, policy);
    first.install(a);
    first.install(b);
    assertThatThrownBy(() -> first.install(a)).hasMessageContaining("refused (downgrade)");
    first.install(rollbackA); // older than B, installed all the same: an operator decided
    assertThat(first.servingVersion()).isEqualTo("A");
    assertThat(first.pinned()).isTrue();
    first.install(c); // newer, but pinned: waits
    assertThat(first.servingVersion()).isEqualTo("A");

    // restart: the topic is replayed from the beginning
    List<ModelSlot<FakeModel>> restarted = slots();
    CheckpointInstaller<FakeModel> second = installerRemembering(restarted, memory, policy);
    assertThat(second.resume()).contains("A");
    assertThat(second.pinned()).isTrue();
    events.clear();
    for (CheckpointAnnouncement replayed : List.of(a, b, rollbackA, c)) {
      second.install(replayed);
    }
    assertThat(restarted).allSatisfy(s -> assertThat(s.version()).isEqualTo("A"));
    assertThat(events).containsExactly("refused A pinned", "refused B pinned", "refused C pinned");

    // unpin: the newest trainer checkpoint seen is installed, and stays so after a restart
    second.install(decision(a, OperatorDecisions.Action.UNPIN, 5_000, operator));
    assertThat(second.pinned()).isFalse();
    assertThat(second.servingVersion()).isEqualTo("C");
    CheckpointInstaller<FakeModel> third = installerRemembering(slots(), memory, policy);
    assertThat(third.resume()).contains("C");
    assertThat(third.pinned()).isFalse();
    // the replayed rollback (decided before the unpin) is not applied again
    third.install(rollbackA);
    assertThat(third.servingVersion()).isEqualTo("C");
  }

  @Test
  void anOperatorDecisionSignedByAnUnknownKey_orByTheTrainersKey_isRefused() throws Exception {
    KeyPair trainer = KeyFiles.generate();
    KeyPair operator = KeyFiles.generate();
    KeyPair stranger = KeyFiles.generate();
    CheckpointAnnouncement a = signedB("A", 2, 1_000, trainer);
    CheckpointAnnouncement b = signedB("B", 4, 2_000, trainer);
    CheckpointInstaller<FakeModel> installer =
        installer(
            slots(),
            new CheckpointPolicy(
                List.of(trainer.getPublic()), false, List.of(operator.getPublic())));
    installer.install(a);
    installer.install(b);
    assertThatThrownBy(
            () ->
                installer.install(decision(a, OperatorDecisions.Action.ROLLBACK, 3_000, stranger)))
        .hasMessageContaining("refused (operator-signature)")
        .hasMessageContaining(CheckpointSigning.keyId(stranger.getPublic()))
        .hasMessageContaining("recognizer.checkpoints.operator-keys");
    assertThatThrownBy(
            () -> installer.install(decision(a, OperatorDecisions.Action.ROLLBACK, 3_000, trainer)))
        .hasMessageContaining("refused (operator-signature)");
    CheckpointAnnouncement pinless =
        decision(a, OperatorDecisions.Action.ROLLBACK, 3_000, operator);
    pinless.getOperator().setPinned(false); // tampered after signing
    assertThatThrownBy(() -> installer.install(pinless))
        .hasMessageContaining("refused (operator-signature)");
    assertThat(installer.servingVersion()).isEqualTo("B");
    assertThat(installer.pinned()).isFalse();

    CheckpointInstaller<FakeModel> trustingNoOperator =
        installer(slots(), new CheckpointPolicy(List.of(trainer.getPublic()), false));
    assertThatThrownBy(
            () ->
                trustingNoOperator.install(
                    decision(a, OperatorDecisions.Action.PROMOTE, 3_000, operator)))
        .hasMessageContaining("refused (operator-untrusted)")
        .hasMessageContaining("recognizer.checkpoints.operator-keys");
    assertThat(events)
        .containsSubsequence(
            "refused A operator-signature",
            "refused A operator-signature",
            "refused A operator-signature",
            "refused A operator-untrusted");
  }

  @Test
  void promote_installsAHeldBackCandidate_andOlderTrainerCheckpointsDoNotReplaceIt()
      throws Exception {
    KeyPair trainer = KeyFiles.generate();
    KeyPair operator = KeyFiles.generate();
    CheckpointInstaller<FakeModel> installer =
        installer(
            slots(),
            new CheckpointPolicy(
                List.of(trainer.getPublic()), false, List.of(operator.getPublic())));
    CheckpointAnnouncement held = tinyB("H", 4, 2_000);
    held.setStatus(io.openmede.schemas.avro.CheckpointStatus.HELD_BACK);
    held.setSignature(CheckpointSigning.sign(held, trainer));
    assertThatThrownBy(() -> installer.install(held)).hasMessageContaining("refused (held-back)");
    installer.install(decision(held, OperatorDecisions.Action.PROMOTE, 5_000, operator));
    assertThat(installer.servingVersion()).isEqualTo("H");
    assertThat(installer.pinned()).isFalse();
    // newer by updates, but created before the operator's decision: the decision stands
    assertThatThrownBy(() -> installer.install(signedB("N", 6, 4_000, trainer)))
        .hasMessageContaining("refused (superseded)");
    installer.install(signedB("L", 8, 6_000, trainer)); // created after it: installed
    assertThat(installer.servingVersion()).isEqualTo("L");
  }

  @Test
  void aRememberedCheckpointTheRecognizerWouldRefuse_isForgotten_withItsPinAndTimes()
      throws Exception {
    KeyPair trainer = KeyFiles.generate();
    KeyPair operator = KeyFiles.generate();
    CheckpointPolicy policy =
        new CheckpointPolicy(List.of(trainer.getPublic()), false, List.of(operator.getPublic()));
    Path memory = dir.resolve("state").resolve("app.serving-openmede-tiny.properties");
    // a file written by someone else: a forged rollback far in the future, pinned
    CheckpointAnnouncement forged =
        decision(
            tinyB("Z", 1_000_000, Long.MAX_VALUE / 4),
            OperatorDecisions.Action.ROLLBACK,
            Long.MAX_VALUE / 4,
            KeyFiles.generate());
    ServingMemory.in(memory)
        .save(
            new ServingMemory.Remembered(
                forged,
                true,
                Optional.of(Instant.ofEpochMilli(Long.MAX_VALUE / 4)),
                Optional.of(Instant.ofEpochMilli(Long.MAX_VALUE / 4))));
    List<ModelSlot<FakeModel>> restarted = slots();
    CheckpointInstaller<FakeModel> installer = installerRemembering(restarted, memory, policy);
    events.clear();
    // before, the forged decision stayed the serving one, pinned: every checkpoint waited
    assertThat(installer.resume()).isEmpty();
    assertThat(installer.pinned()).isFalse();
    assertThat(events).containsExactly("refused Z operator-signature");
    CheckpointAnnouncement b = signedB("B", 4, 2_000, trainer);
    installer.install(b);
    assertThat(restarted).allSatisfy(s -> assertThat(s.version()).isEqualTo("B"));
    installer.install(decision(b, OperatorDecisions.Action.ROLLBACK, 3_000, operator));
    assertThat(installer.pinned()).isTrue();
  }

  @Test
  void rememberedDecisionTimesLaterThanNow_doNotRefuseTheDecisionsToCome() throws Exception {
    KeyPair trainer = KeyFiles.generate();
    KeyPair operator = KeyFiles.generate();
    CheckpointPolicy policy =
        new CheckpointPolicy(List.of(trainer.getPublic()), false, List.of(operator.getPublic()));
    Path memory = dir.resolve("state").resolve("app.serving-openmede-tiny.properties");
    CheckpointAnnouncement b = signedB("B", 4, 2_000, trainer);
    Instant future = Instant.now().plus(java.time.Duration.ofDays(3650));
    ServingMemory.in(memory)
        .save(new ServingMemory.Remembered(b, false, Optional.of(future), Optional.of(future)));
    CheckpointInstaller<FakeModel> installer = installerRemembering(slots(), memory, policy);
    assertThat(installer.resume()).contains("B");
    CheckpointAnnouncement a = signedB("A", 2, 1_000, trainer);
    Thread.sleep(5);
    installer.install(
        decision(a, OperatorDecisions.Action.ROLLBACK, Instant.now().toEpochMilli(), operator));
    assertThat(installer.servingVersion()).isEqualTo("A");
  }
}
