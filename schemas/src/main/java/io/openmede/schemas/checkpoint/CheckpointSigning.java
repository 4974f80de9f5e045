package io.openmede.schemas.checkpoint;

import io.openmede.platform.signing.Ed25519;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.KnownRegionReferences;
import io.openmede.schemas.avro.LearnedBackgroundClass;
import io.openmede.schemas.avro.OpenSetThresholds;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Ed25519 signatures of checkpoint announcements ({@link Ed25519}). The trainer signs what a
 * recognizer acts on: the model line, version, SHA-256 and size of the weights, their preset, and
 * the two fields that order checkpoints (training updates, creation time), so an old signed
 * announcement cannot be replayed as a newer one; and, when present (context v2), the gate's status
 * and an operator decision, so a held-back checkpoint cannot be relabelled promoted nor a trainer
 * announcement turned into a pin (an operator decision is signed with its time, which orders
 * decisions); and, when present (context v3), the open-set thresholds, which decide whether a
 * window is unknown. The URI is not signed: the weights are verified by their signed SHA-256
 * wherever they are found.
 *
 * <p>The signature field reads {@code ed25519:<key id>:<base64 signature>}; the key id (see {@link
 * #keyId}) only names the key in messages, every trusted key is tried.
 */
public final class CheckpointSigning {

  private static final String SCHEME = "ed25519";
  private static final String CONTEXT = "openmede checkpoint announcement v1";

  /** The context of announcements with a status or an operator decision (both are signed). */
  private static final String CONTEXT_V2 = "openmede checkpoint announcement v2";

  /**
   * The context of announcements that carry open-set thresholds: the v2 fields and every threshold
   * are signed, so that nobody who can write the topic can set thresholds that mark every window
   * unknown (and mute every rule) or none.
   */
  private static final String CONTEXT_V3 = "openmede checkpoint announcement v3";

  /**
   * The context of announcements whose open-set thresholds include a learned background class: the
   * v3 fields and, for every entry, whether it has a class and the class's direction and bias, so
   * that nobody can swap, drop or add a learned class (which would move every window's scores).
   * Announcements without one keep the v3 bytes, so their signatures still verify.
   */
  private static final String CONTEXT_V4 = "openmede checkpoint announcement v4";

  /**
   * The context of announcements that carry a known region: the v4 (or v3) fields, then the
   * region's references, threshold and target, so that nobody can widen the region (no window ever
   * unknown) or narrow it (every window unknown). Announcements without one keep their bytes.
   */
  private static final String CONTEXT_V5 = "openmede checkpoint announcement v5";

  /** The longest signature field accepted (an Ed25519 signature is 64 bytes, 88 in base64). */
  private static final int MAX_SIGNATURE_LENGTH = 200;

  private CheckpointSigning() {}

  /** The bytes that are signed: a fixed context, then each signed field, length-prefixed. */
  public static byte[] signedBytes(CheckpointAnnouncement a) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      boolean v5 = a.getKnownRegion() != null;
      boolean v3 = v5 || (a.getOpenSet() != null && !a.getOpenSet().isEmpty());
      boolean v4 = v3 && a.getOpenSet().stream().anyMatch(t -> t.getLearnedBackground() != null);
      boolean v2 = v3 || a.getStatus() != null || a.getOperator() != null;
      writeString(
          out, v5 ? CONTEXT_V5 : v4 ? CONTEXT_V4 : v3 ? CONTEXT_V3 : v2 ? CONTEXT_V2 : CONTEXT);
      writeString(out, a.getModelName());
      writeString(out, a.getVersion());
      writeString(out, a.getSha256());
      out.writeLong(a.getSizeBytes());
      writeString(out, a.getPreset());
      out.writeLong(a.getTraining() == null ? -1 : a.getTraining().getUpdates());
      out.writeLong(a.getCreatedAt() == null ? -1 : a.getCreatedAt().toEpochMilli());
      if (v2) {
        // what a recognizer acts on: whether to install, and an operator's action and pin
        writeString(out, a.getStatus() == null ? null : a.getStatus().name());
        writeString(out, a.getOperator() == null ? null : a.getOperator().getAction());
        out.writeBoolean(a.getOperator() != null && a.getOperator().getPinned());
        writeString(out, a.getOperator() == null ? null : a.getOperator().getKeyId());
        if (a.getOperator() != null) {
          // when the operator decided: what orders decisions, so an old one cannot be replayed
          out.writeLong(
              a.getOperator().getDecidedAt() == null
                  ? -1
                  : a.getOperator().getDecidedAt().toEpochMilli());
        }
      }
      if (v3) {
        writeOpenSet(out, a.getOpenSet() == null ? List.of() : a.getOpenSet(), v4 || v5);
      }
      if (v5) {
        writeKnownRegion(out, a.getKnownRegion());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * Every open-set entry in order, each label's threshold in label order; in v4, each entry's
   * learned background class (or its absence).
   */
  private static void writeOpenSet(
      DataOutputStream out, List<OpenSetThresholds> openSet, boolean v4) throws IOException {
    out.writeInt(openSet.size());
    for (OpenSetThresholds t : openSet) {
      writeString(out, t.getScore());
      out.writeDouble(t.getTargetRecall());
      out.writeDouble(t.getFallback());
      out.writeDouble(t.getWidth());
      Map<String, Double> thresholds = new TreeMap<>();
      t.getThresholds().forEach((label, value) -> thresholds.put(label.toString(), value));
      out.writeInt(thresholds.size());
      for (Map.Entry<String, Double> e : thresholds.entrySet()) {
        writeString(out, e.getKey());
        out.writeDouble(e.getValue());
      }
      List<String> prompts = t.getBackgroundPrompts();
      out.writeInt(prompts == null ? -1 : prompts.size());
      for (String prompt : prompts == null ? List.<String>of() : prompts) {
        writeString(out, prompt);
      }
      if (v4) {
        LearnedBackgroundClass learned = t.getLearnedBackground();
        out.writeBoolean(learned != null);
        if (learned != null) {
          List<Float> direction = learned.getDirection();
          out.writeInt(direction == null ? -1 : direction.size());
          for (Float x : direction == null ? List.<Float>of() : direction) {
            out.writeFloat(x);
          }
          out.writeDouble(learned.getBias());
        }
      }
    }
  }

  /** The region's references in order, each with its length, then its threshold and target. */
  private static void writeKnownRegion(DataOutputStream out, KnownRegionReferences region)
      throws IOException {
    List<List<Float>> references = region.getReferences();
    out.writeInt(references == null ? -1 : references.size());
    for (List<Float> r : references == null ? List.<List<Float>>of() : references) {
      out.writeInt(r == null ? -1 : r.size());
      for (Float x : r == null ? List.<Float>of() : r) {
        out.writeFloat(x);
      }
    }
    out.writeDouble(region.getMinSimilarity());
    out.writeDouble(region.getTargetRecall());
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    out.writeInt(s == null ? -1 : b.length);
    out.write(b);
  }

  /** The value of the announcement's {@code signature} field for {@code key}. */
  public static String sign(CheckpointAnnouncement a, KeyPair key) {
    return SCHEME
        + ":"
        + keyId(key.getPublic())
        + ":"
        + Base64.getEncoder().encodeToString(Ed25519.sign(signedBytes(a), key.getPrivate()));
  }

  /**
   * Why {@code a} is not signed by one of {@code trusted}, or empty when it is.
   *
   * @param trusted the public keys a recognizer accepts (not empty)
   */
  public static Optional<String> refusal(CheckpointAnnouncement a, List<PublicKey> trusted) {
    String field = a.getSignature();
    if (field == null || field.isEmpty()) {
      return Optional.of(
          "unsigned: the announcement carries no signature, and this recognizer"
              + " requires one (recognizer.checkpoints.trusted-keys)");
    }
    if (field.length() > MAX_SIGNATURE_LENGTH) {
      return Optional.of("the signature field is " + field.length() + " characters long");
    }
    String[] parts = field.split(":", -1);
    if (parts.length != 3 || !SCHEME.equals(parts[0])) {
      return Optional.of("the signature is not of the form ed25519:<key id>:<base64>");
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      return Optional.of("the signature is not base64");
    }
    byte[] signed = signedBytes(a);
    for (PublicKey key : trusted) {
      if (Ed25519.verifies(key, signed, signature)) {
        return Optional.empty();
      }
    }
    return Optional.of(
        "the signature (key id "
            + printable(parts[1])
            + ") does not verify with any trusted key ("
            + String.join(", ", trusted.stream().map(CheckpointSigning::keyId).toList())
            + ")");
  }

  /** A short name of a public key ({@link Ed25519#keyId}). */
  public static String keyId(PublicKey key) {
    return Ed25519.keyId(key);
  }

  private static String printable(String s) {
    String cut = s.length() > 32 ? s.substring(0, 32) + "..." : s;
    return cut.replaceAll("[^0-9A-Za-z_-]", "?");
  }
}
