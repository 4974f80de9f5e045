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

  /** Names the subject of a topic's values or keys under the topic-name strategy. */
  static String subjectFor(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }
}
