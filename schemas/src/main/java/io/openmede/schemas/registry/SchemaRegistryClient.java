package io.openmede.schemas.registry;

import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The calls a serde makes to a schema registry speaking the Confluent Schema Registry REST API
 * (Confluent, Karapace, Apicurio's ccompat API, or the project's embedded registry).
 *
 * <p>Subjects follow the topic-name strategy: {@code <topic>-value} and {@code <topic>-key}.
 * Implementations are thread-safe and cache what the registry told them, so calling these methods
 * once per record is cheap after the first call for a schema.
 *
 * <p>Every method throws {@link SchemaRegistryException} when the registry refuses the call or
 * cannot be reached; its message says what to check.
 */
public interface SchemaRegistryClient {

  /**
   * Registers {@code schema} under {@code subject}, or finds it if it is already registered there.
   *
   * <p>A registry that answers a registration racing another one with HTTP 409 "already exists"
   * (Apicurio's ccompat API does, where Confluent's returns the id) is asked for the schema's id
   * instead: many producers may register the same subject at once.
   *
   * @return the registry's global id of the schema
   * @throws SchemaRegistryException with HTTP status 409 when the schema is incompatible with the
   *     subject's earlier versions, 422 when the registry cannot parse it
   */
  int register(String subject, Schema schema);

  /**
   * Returns the schema with the given global id.
   *
   * @throws SchemaRegistryException with HTTP status 404 (error code 40403) when no schema has that
   *     id
   */
  Schema getById(int id);

  /**
   * Looks up {@code schema} under {@code subject} without registering it.
   *
   * @return the schema's global id, or empty when the subject does not exist or does not hold this
   *     schema
   */
  Optional<Integer> lookUp(String subject, Schema schema);

  /**
   * Asks whether {@code schema} could be registered under {@code subject} by the subject's
   * compatibility rule. A subject with no versions accepts any schema.
   */
  boolean isCompatible(String subject, Schema schema);

  /**
   * The subject's own compatibility level ({@code GET /config/{subject}}).
   *
   * @return the level, or empty when the subject has no level of its own (the registry's global
   *     level applies) or does not exist yet
   */
  default Optional<CompatibilityLevel> compatibilityLevel(String subject) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " cannot read compatibility levels");
  }

  /** Sets the subject's own compatibility level ({@code PUT /config/{subject}}). */
  default void setCompatibilityLevel(String subject, CompatibilityLevel level) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " cannot set compatibility levels");
  }

  /** Names the subject of a topic's values or keys under the topic-name strategy. */
  static String subjectFor(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }
}
