package io.openmede.schemas.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openmede.platform.signing.KeyFiles;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.TrainingSummary;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class CheckpointSigningTest {

  private static CheckpointAnnouncement announcement() {
    return CheckpointAnnouncement.newBuilder()
        .setModelName("openmede-tiny")
        .setVersion("v-000120")
        .setUri("file:///var/lib/openmede/checkpoints/v-000120/weights.safetensors")
        .setSha256("ab".repeat(32))
        .setSizeBytes(123_456)
        .setPreset("tiny")
        .setTraining(
            TrainingSummary.newBuilder()
                .setMethod("open-mede")
                .setUpdates(120)
                .setClips(960)
                .setOffsets(Map.of("0", 42L))
                .setMu(1)
                .setSigma(1)
                .setCycleSnapshots(4)
                .setSnapshotInterval(5)
                .setAlpha(1e-4)
                .setBeta(1e-4)
                .setDelta(1.67e-3)
                .build())
        .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
        .build();
  }

  private static CheckpointAnnouncement signed(KeyPair key) {
    CheckpointAnnouncement a = announcement();
    a.setSignature(CheckpointSigning.sign(a, key));
    return a;
  }

  @Test
  void aSignedAnnouncementVerifiesWithItsKeyAmongOthers() {
    KeyPair key = KeyFiles.generate();
    KeyPair other = KeyFiles.generate();
    CheckpointAnnouncement a = signed(key);
    assertTrue(a.getSignature().startsWith("ed25519:" + CheckpointSigning.keyId(key.getPublic())));
    assertEquals(
        Optional.empty(),
        CheckpointSigning.refusal(a, List.of(other.getPublic(), key.getPublic())));
  }

  @Test
  void changingAnySignedFieldBreaksTheSignature() {
    KeyPair key = KeyFiles.generate();
    List<Consumer<CheckpointAnnouncement>> tampers =
        List.of(
            a -> a.setModelName("openmede-other"),
            a -> a.setVersion("v-999999"),
            a -> a.setSha256("cd".repeat(32)),
            a -> a.setSizeBytes(123_457),
            a -> a.setPreset("vit-b-16"),
            a -> a.getTraining().setUpdates(100_000),
            a -> a.setCreatedAt(Instant.ofEpochMilli(1_800_000_000_000L)));
    for (Consumer<CheckpointAnnouncement> tamper : tampers) {
      CheckpointAnnouncement a = signed(key);
      tamper.accept(a);
      Optional<String> refusal = CheckpointSigning.refusal(a, List.of(key.getPublic()));
      assertTrue(refusal.orElse("").contains("does not verify"), refusal.toString());
    }
    // the URI is not signed: the weights are verified by the signed SHA-256
    CheckpointAnnouncement moved = signed(key);
    moved.setUri("file:///elsewhere/weights.safetensors");
    assertEquals(Optional.empty(), CheckpointSigning.refusal(moved, List.of(key.getPublic())));
  }

  @Test
  void unsignedForeignAndMalformedSignaturesAreRefused() {
    KeyPair key = KeyFiles.generate();
    KeyPair stranger = KeyFiles.generate();
    List<SignatureCase> cases =
        List.of(
            new SignatureCase(null, "unsigned"),
            new SignatureCase("", "unsigned"),
            new SignatureCase(CheckpointSigning.sign(announcement(), stranger), "does not verify"),
            new SignatureCase("rsa:abc:def", "not of the form"),
            new SignatureCase("ed25519:abc", "not of the form"),
            new SignatureCase("ed25519:abc:!!!", "not base64"),
            new SignatureCase("ed25519:abc:AAAA", "does not verify"),
            new SignatureCase("ed25519:" + "A".repeat(300), "characters long"));
    for (SignatureCase c : cases) {
      CheckpointAnnouncement a = announcement();
      a.setSignature(c.signature());
      Optional<String> refusal = CheckpointSigning.refusal(a, List.of(key.getPublic()));
      assertTrue(refusal.orElse("").contains(c.expected()), c + " → " + refusal);
    }
  }

  private record SignatureCase(String signature, String expected) {}

  @Test
  void aHeldBackAnnouncementRelabelledPromoted_orTurnedIntoAPin_noLongerVerifies() {
    KeyPair key = KeyFiles.generate();
    CheckpointAnnouncement a = announcement();
    a.setStatus(io.openmede.schemas.avro.CheckpointStatus.HELD_BACK);
    a.setSignature(CheckpointSigning.sign(a, key));
    assertEquals(Optional.empty(), CheckpointSigning.refusal(a, List.of(key.getPublic())));
    a.setStatus(io.openmede.schemas.avro.CheckpointStatus.PROMOTED);
    assertTrue(CheckpointSigning.refusal(a, List.of(key.getPublic())).isPresent());
    a.setStatus(io.openmede.schemas.avro.CheckpointStatus.HELD_BACK);
    a.setOperator(
        io.openmede.schemas.avro.OperatorDecision.newBuilder()
            .setAction("rollback")
            .setPinned(true)
            .setKeyId("x")
            .build());
    assertTrue(CheckpointSigning.refusal(a, List.of(key.getPublic())).isPresent());
  }

  @Test
  void anOperatorDecision_isSignedWithItsActionPinAndTime() {
    KeyPair operator = KeyFiles.generate();
    List<Consumer<CheckpointAnnouncement>> tampers =
        List.of(
            a -> a.getOperator().setAction("promote"),
            a -> a.getOperator().setPinned(false),
            a -> a.getOperator().setDecidedAt(Instant.ofEpochMilli(1_800_000_000_000L)),
            a -> a.setOperator(null));
    for (Consumer<CheckpointAnnouncement> tamper : tampers) {
      CheckpointAnnouncement a = announcement();
      a.setOperator(
          io.openmede.schemas.avro.OperatorDecision.newBuilder()
              .setAction("rollback")
              .setPinned(true)
              .setKeyId(CheckpointSigning.keyId(operator.getPublic()))
              .setDecidedAt(Instant.ofEpochMilli(1_750_000_000_000L))
              .build());
      a.setSignature(CheckpointSigning.sign(a, operator));
      assertEquals(Optional.empty(), CheckpointSigning.refusal(a, List.of(operator.getPublic())));
      tamper.accept(a);
      assertTrue(CheckpointSigning.refusal(a, List.of(operator.getPublic())).isPresent());
    }
  }

  @Test
  void anAnnouncementWithoutStatus_isSignedAsBefore() {
    KeyPair key = KeyFiles.generate();
    CheckpointAnnouncement a = signed(key);
    a.setStatus(io.openmede.schemas.avro.CheckpointStatus.PROMOTED);
    // a v1 signature does not cover a status added afterwards
    assertTrue(CheckpointSigning.refusal(a, List.of(key.getPublic())).isPresent());
  }

  @Test
  void changingAnOpenSetThreshold_orDroppingTheThresholds_breaksTheSignature() {
    KeyPair key = KeyFiles.generate();
    List<Consumer<CheckpointAnnouncement>> tampers =
        List.of(
            a -> a.getOpenSet().get(0).getThresholds().put("falling", 0.99),
            a -> a.getOpenSet().get(0).getThresholds().put("waving", 0.0),
            a -> a.getOpenSet().get(0).setFallback(1e9),
            a -> a.getOpenSet().get(0).setWidth(1e-9),
            a -> a.getOpenSet().get(0).setScore("energy"),
            a -> a.getOpenSet().get(0).setBackgroundPrompts(List.of("an empty room")),
            a -> a.setOpenSet(List.of()));
    for (Consumer<CheckpointAnnouncement> tamper : tampers) {
      CheckpointAnnouncement a = withOpenSet();
      a.setSignature(CheckpointSigning.sign(a, key));
      assertEquals(Optional.empty(), CheckpointSigning.refusal(a, List.of(key.getPublic())));
      tamper.accept(a);
      assertTrue(CheckpointSigning.refusal(a, List.of(key.getPublic())).isPresent());
    }
    // the same thresholds put in another map order sign the same bytes
    CheckpointAnnouncement a = withOpenSet();
    CheckpointAnnouncement b = withOpenSet();
    b.getOpenSet()
        .get(0)
        .setThresholds(new java.util.TreeMap<>(b.getOpenSet().get(0).getThresholds()));
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        CheckpointSigning.signedBytes(a), CheckpointSigning.signedBytes(b));
  }

  @Test
  void changingAddingOrDroppingALearnedBackgroundClass_breaksTheSignature() {
    KeyPair key = KeyFiles.generate();
    List<Consumer<CheckpointAnnouncement>> tampers =
        List.of(
            a -> a.getOpenSet().get(1).getLearnedBackground().getDirection().set(0, 0.5f),
            a -> a.getOpenSet().get(1).getLearnedBackground().setBias(-40.0),
            a -> a.getOpenSet().get(1).getLearnedBackground().getDirection().add(0f),
            a -> a.getOpenSet().get(1).setLearnedBackground(null),
            a -> a.getOpenSet().get(0).setLearnedBackground(learned()),
            a -> a.getOpenSet().get(1).getThresholds().put("falling", 0.99),
            a -> a.getOpenSet().remove(1));
    for (Consumer<CheckpointAnnouncement> tamper : tampers) {
      CheckpointAnnouncement a = withLearnedBackground();
      a.setSignature(CheckpointSigning.sign(a, key));
      assertEquals(Optional.empty(), CheckpointSigning.refusal(a, List.of(key.getPublic())));
      tamper.accept(a);
      assertTrue(CheckpointSigning.refusal(a, List.of(key.getPublic())).isPresent());
    }
  }

  @Test
  void changingAddingOrDroppingAKnownRegion_breaksTheSignature() {
    KeyPair key = KeyFiles.generate();
    List<Consumer<CheckpointAnnouncement>> tampers =
        List.of(
            a -> a.getKnownRegion().setMinSimilarity(-1.0),
            a -> a.getKnownRegion().setTargetRecall(0.5),
            a -> a.getKnownRegion().getReferences().get(0).set(0, 0.5f),
            a -> a.getKnownRegion().getReferences().remove(1),
            a -> a.setKnownRegion(null));
    for (Consumer<CheckpointAnnouncement> tamper : tampers) {
      CheckpointAnnouncement a = withLearnedBackground();
      a.setKnownRegion(region());
      a.setSignature(CheckpointSigning.sign(a, key));
      assertEquals(Optional.empty(), CheckpointSigning.refusal(a, List.of(key.getPublic())));
      tamper.accept(a);
      assertTrue(CheckpointSigning.refusal(a, List.of(key.getPublic())).isPresent());
    }
    // adding a region to an announcement signed without one breaks it too
    CheckpointAnnouncement a = withLearnedBackground();
    a.setSignature(CheckpointSigning.sign(a, key));
    a.setKnownRegion(region());
    assertTrue(CheckpointSigning.refusal(a, List.of(key.getPublic())).isPresent());
  }

  private static io.openmede.schemas.avro.KnownRegionReferences region() {
    return io.openmede.schemas.avro.KnownRegionReferences.newBuilder()
        .setReferences(
            new java.util.ArrayList<>(
                List.of(
                    new java.util.ArrayList<>(List.of(1f, 0f, 0f)),
                    new java.util.ArrayList<>(List.of(0f, 1f, 0f)))))
        .setMinSimilarity(0.6)
        .setTargetRecall(0.95)
        .build();
  }

  @Test
  void thresholdsWithoutALearnedBackground_signTheV3Bytes() {
    // announcements signed before the learned class existed still verify: same bytes as v3
    CheckpointAnnouncement a = withOpenSet();
    byte[] bytes = CheckpointSigning.signedBytes(a);
    String context = "openmede checkpoint announcement v3";
    assertEquals(
        context, new String(bytes, 4, context.length(), java.nio.charset.StandardCharsets.UTF_8));
  }

  private static io.openmede.schemas.avro.LearnedBackgroundClass learned() {
    return io.openmede.schemas.avro.LearnedBackgroundClass.newBuilder()
        .setDirection(new java.util.ArrayList<>(List.of(0.25f, -0.125f, 1.0f)))
        .setBias(3.5)
        .build();
  }

  private static CheckpointAnnouncement withLearnedBackground() {
    CheckpointAnnouncement a = withOpenSet();
    a.getOpenSet()
        .add(
            io.openmede.schemas.avro.OpenSetThresholds.newBuilder()
                .setScore("learned-background")
                .setTargetRecall(0.9)
                .setThresholds(new java.util.LinkedHashMap<>(Map.of("falling", 0.2)))
                .setFallback(0.3)
                .setWidth(0.05)
                .setLearnedBackground(learned())
                .build());
    return a;
  }

  private static CheckpointAnnouncement withOpenSet() {
    CheckpointAnnouncement a = announcement();
    a.setStatus(io.openmede.schemas.avro.CheckpointStatus.PROMOTED);
    java.util.Map<String, Double> thresholds = new java.util.LinkedHashMap<>();
    thresholds.put("falling", 0.41);
    thresholds.put("spinning in a circle", 0.37);
    a.setOpenSet(
        new java.util.ArrayList<>(
            List.of(
                io.openmede.schemas.avro.OpenSetThresholds.newBuilder()
                    .setScore("max-softmax")
                    .setTargetRecall(0.9)
                    .setThresholds(thresholds)
                    .setFallback(0.39)
                    .setWidth(0.05)
                    .build())));
    return a;
  }
}
