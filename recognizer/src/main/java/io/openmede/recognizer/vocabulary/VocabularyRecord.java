package io.openmede.recognizer.vocabulary;

import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.registry.SchemaRegistryException;
import io.openmede.schemas.values.Labels;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;

/**
 * One record of the vocabulary topic, judged from its bytes: a good entry, a tombstone, or a
 * refusal with its reason ({@code key}, {@code value}, {@code registry} or {@code entry}) and why.
 * Used by the recognizers' global store and by {@code openmede vocab list}, so both read the topic
 * alike.
 *
 * @param key the label; null when the key was refused
 * @param entry the entry; null for a tombstone or a refusal
 * @param reason the refusal's reason; null when the record is good
 * @param why what is wrong; null when the record is good
 */
public record VocabularyRecord(String key, VocabularyEntry entry, String reason, String why) {

  /** Whether the record is refused. */
  public boolean refused() {
    return reason != null;
  }

  /** Whether the record is a tombstone (the label removed). */
  public boolean tombstone() {
    return reason == null && entry == null;
  }

  /**
   * Judges one record.
   *
   * @param decode decodes a value; any exception it throws refuses the record as {@code value}
   */
  public static VocabularyRecord judge(
      byte[] key, byte[] value, Function<byte[], VocabularyEntry> decode) {
    if (key == null) {
      return new VocabularyRecord(
          null, null, "key", "the record has no key (the key is the label)");
    }
    String label;
    try {
      label =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(key))
              .toString();
    } catch (CharacterCodingException e) {
      return new VocabularyRecord(
          null, null, "key", "the key is not UTF-8 (" + key.length + " bytes)");
    }
    if (value == null) {
      return new VocabularyRecord(label, null, null, null);
    }
    VocabularyEntry entry;
    try {
      entry = decode.apply(value);
    } catch (RuntimeException | StackOverflowError e) {
      if (SchemaRegistryException.transientIn(e)) {
        return new VocabularyRecord(
            label,
            null,
            "registry",
            "the schema registry did not answer ("
                + e.getMessage()
                + "); publish the entry again once it is back");
      }
      return new VocabularyRecord(
          label, null, "value", "the value is not a VocabularyEntry: " + e.getMessage());
    }
    if (entry == null) {
      return new VocabularyRecord(label, null, "value", "the value decoded to nothing");
    }
    Optional<String> why;
    try {
      why = Labels.entryRefusal(label, entry);
    } catch (RuntimeException e) {
      why = Optional.of("the entry could not be checked: " + e);
    }
    return why.map(w -> new VocabularyRecord(label, null, "entry", w))
        .orElseGet(() -> new VocabularyRecord(label, entry, null, null));
  }
}
