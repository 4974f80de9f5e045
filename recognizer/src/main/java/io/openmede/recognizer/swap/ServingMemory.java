package io.openmede.recognizer.swap;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a recognizer serves, kept in a file across restarts: the announcement it installed last,
 * whether an operator pinned it, and when the last operator decision it applied was made. A
 * restarted recognizer serves it again and judges every announcement against it, so a replayed
 * older announcement on the compacted topic is a refused downgrade, not an install.
 *
 * <p>The file is a properties file holding the announcement as Avro binary together with the schema
 * it was written with, so a recognizer of a later release (an evolved schema) still reads it. It is
 * replaced atomically. A file that cannot be read is reported and treated as absent: the recognizer
 * then serves its initial weights, as before the first install. Not thread-safe: the installer's
 * thread uses it.
 */
public final class ServingMemory {

  private static final Logger LOG = LoggerFactory.getLogger(ServingMemory.class);

  /**
   * The largest file read: an announcement fits a checkpoints record (at most {@link
   * io.openmede.schemas.topic.Topics#SMALL_TOPIC_MAX_MESSAGE_BYTES}), Base64 adds a third, the
   * schema and the rest a few kilobytes. A larger file is not this recognizer's and is not read.
   */
  static final long MAX_FILE_BYTES =
      2L * io.openmede.schemas.topic.Topics.SMALL_TOPIC_MAX_MESSAGE_BYTES;

  /**
   * What was served.
   *
   * @param serving the announcement of the serving checkpoint
   * @param pinned whether an operator pinned it (a rollback): newer trainer checkpoints wait until
   *     an operator unpins
   * @param lastDecision when the last operator decision this recognizer applied was made: a
   *     decision made at or before it is not applied again (the topic is replayed at every start)
   * @param supersededBefore when the last operator promote or rollback was made: a trainer
   *     checkpoint created before it does not replace the operator's choice; empty after an unpin
   */
  public record Remembered(
      CheckpointAnnouncement serving,
      boolean pinned,
      Optional<Instant> lastDecision,
      Optional<Instant> supersededBefore) {

    /** A trainer checkpoint served, no operator decision applied yet. */
    public Remembered(CheckpointAnnouncement serving, boolean pinned) {
      this(serving, pinned, Optional.empty(), Optional.empty());
    }
  }

  private final Optional<Path> file;

  private ServingMemory(Optional<Path> file) {
    this.file = file;
  }

  /** Remembers in {@code file} (its directory is created when needed). */
  public static ServingMemory in(Path file) {
    return new ServingMemory(Optional.of(file));
  }

  /** Remembers nothing (tests, tools): every start is a first start. */
  public static ServingMemory none() {
    return new ServingMemory(Optional.empty());
  }

  /** The file, if any. */
  public Optional<Path> file() {
    return file;
  }

  /** What was remembered, or empty (no file, or one that cannot be read: logged). */
  public Optional<Remembered> load() {
    if (file.isEmpty() || !Files.isRegularFile(file.get())) {
      return Optional.empty();
    }
    Path f = file.get();
    try (InputStream in = Files.newInputStream(f)) {
      long size = Files.size(f);
      if (size > MAX_FILE_BYTES) {
        throw new IOException(
            size + " bytes, more than the " + MAX_FILE_BYTES + " a serving memory can hold");
      }
      Properties p = new Properties();
      p.load(in);
      Schema writer = new Schema.Parser().parse(p.getProperty("schema"));
      byte[] bytes = Base64.getDecoder().decode(p.getProperty("announcement"));
      CheckpointAnnouncement a =
          new SpecificDatumReader<CheckpointAnnouncement>(writer, CheckpointAnnouncement.SCHEMA$)
              .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
      return Optional.of(
          new Remembered(
              a,
              Boolean.parseBoolean(p.getProperty("pinned")),
              instant(p.getProperty("last-decision")),
              instant(p.getProperty("superseded-before"))));
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "the serving memory {} cannot be read ({}); serving the initial weights until a"
              + " checkpoint is installed; delete the file to silence this",
          f,
          e.toString());
      return Optional.empty();
    }
  }

  private static Optional<Instant> instant(String millis) {
    return millis == null
        ? Optional.empty()
        : Optional.of(Instant.ofEpochMilli(Long.parseLong(millis)));
  }

  /** Replaces what is remembered, atomically. */
  public void save(Remembered r) throws IOException {
    if (file.isEmpty()) {
      return;
    }
    Path f = file.get().toAbsolutePath();
    Files.createDirectories(f.getParent());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
    new SpecificDatumWriter<CheckpointAnnouncement>(CheckpointAnnouncement.SCHEMA$)
        .write(r.serving(), enc);
    enc.flush();
    Properties p = new Properties();
    p.setProperty("version", r.serving().getVersion());
    p.setProperty("pinned", Boolean.toString(r.pinned()));
    r.lastDecision()
        .ifPresent(t -> p.setProperty("last-decision", Long.toString(t.toEpochMilli())));
    r.supersededBefore()
        .ifPresent(t -> p.setProperty("superseded-before", Long.toString(t.toEpochMilli())));
    p.setProperty("schema", CheckpointAnnouncement.SCHEMA$.toString());
    p.setProperty("announcement", Base64.getEncoder().encodeToString(bytes.toByteArray()));
    Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, "what this recognizer serves; written by the recognizer, do not edit");
    }
    try {
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
