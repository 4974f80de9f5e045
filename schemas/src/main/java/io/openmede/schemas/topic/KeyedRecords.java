package io.openmede.schemas.topic;

import io.openmede.schemas.registry.SchemaRegistryException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * How the records of a compacted topic keyed by a name (the vocabulary by label, the alert rules by
 * rule name) are judged from their bytes, in one place: by the services' global stores and by the
 * commands that list the topic, so both read it alike. Other programs write these topics too, so
 * every record is judged: a key that is missing or not UTF-8 is refused as {@code key}, a value
 * that does not decode as {@code value} (or {@code registry} while the schema registry is away), a
 * value that breaks {@code check} as {@code refusedAs}; a null value is a tombstone.
 *
 * @param subject what the topic holds, in log lines ("vocabulary", "alert rule")
 * @param keyName what the key is ("label", "rule name")
 * @param refusedAs the reason of a value that breaks the rules ("entry", "rule"), and its name
 * @param type the value's class, named in refusals
 * @param check why a decoded value is refused under its key, or empty
 */
public record KeyedRecords<V>(
    String subject,
    String keyName,
    String refusedAs,
    Class<V> type,
    BiFunction<String, V, Optional<String>> check) {

  /**
   * One record judged: a good value, a tombstone, or a refusal with its reason and why.
   *
   * @param key the key; null when the key was refused
   * @param value the value; null for a tombstone or a refusal
   * @param reason the refusal's reason; null when the record is good
   * @param why what is wrong; null when the record is good
   */
  public record Judged<V>(String key, V value, String reason, String why) {

    /** Whether the record is refused. */
    public boolean refused() {
      return reason != null;
    }

    /** Whether the record is a tombstone (the key removed). */
    public boolean tombstone() {
      return reason == null && value == null;
    }
  }

  /**
   * Judges one record.
   *
   * @param decode decodes a value; any exception it throws refuses the record as {@code value}, or
   *     as {@code registry} when the schema registry did not answer
   */
  public Judged<V> judge(byte[] key, byte[] value, Function<byte[], V> decode) {
    if (key == null) {
      return refused(null, "key", "the record has no key (the key is the " + keyName + ")");
    }
    String name;
    try {
      name =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(key))
              .toString();
    } catch (CharacterCodingException e) {
      return refused(null, "key", "the key is not UTF-8 (" + key.length + " bytes)");
    }
    if (value == null) {
      return new Judged<>(name, null, null, null);
    }
    V decoded;
    try {
      decoded = decode.apply(value);
    } catch (RuntimeException | StackOverflowError e) {
      if (SchemaRegistryException.transientIn(e)) {
        return refused(
            name,
            "registry",
            "the schema registry did not answer ("
                + e.getMessage()
                + "); publish the "
                + refusedAs
                + " again once it is back");
      }
      return refused(name, "value", "the value is not " + article() + ": " + e.getMessage());
    }
    if (decoded == null) {
      return refused(name, "value", "the value decoded to nothing");
    }
    Optional<String> why;
    try {
      why = check.apply(name, decoded);
    } catch (RuntimeException e) {
      why = Optional.of("the " + refusedAs + " could not be checked: " + e);
    }
    return why.map(w -> refused(name, refusedAs, w))
        .orElseGet(() -> new Judged<>(name, decoded, null, null));
  }

  private Judged<V> refused(String key, String reason, String why) {
    return new Judged<>(key, null, reason, why);
  }

  private String article() {
    String n = type.getSimpleName();
    return ("AEIOU".indexOf(n.charAt(0)) >= 0 ? "an " : "a ") + n;
  }
}
