package io.openmede.schemas.registry;

import java.util.OptionalInt;

/**
 * A schema registry refused a call or could not be reached.
 *
 * <p>{@link #httpStatus()} and {@link #errorCode()} are empty when no answer came back (see {@link
 * #isUnreachable()}); otherwise they carry the HTTP status and the registry's {@code error_code}
 * (for example 40401 subject not found, 40403 schema not found, 409 incompatible schema, 42201
 * invalid schema).
 */
public final class SchemaRegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Error code of the Confluent API: the subject does not exist. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Error code of the Confluent API: the version does not exist. */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Error code of the Confluent API: the schema (by id, or under a subject) does not exist. */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** Error code of the Confluent API: the schema is incompatible with earlier versions. */
  public static final int INCOMPATIBLE_SCHEMA = 409;

  /** Error code of the Confluent API: the schema could not be parsed. */
  public static final int INVALID_SCHEMA = 42201;

  private final Integer httpStatus;
  private final Integer errorCode;

  private SchemaRegistryException(
      String message, Integer httpStatus, Integer errorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /** The registry answered {@code httpStatus} with {@code errorCode} and {@code message}. */
  public static SchemaRegistryException refused(
      String call, int httpStatus, int errorCode, String message) {
    return new SchemaRegistryException(
        call
            + " refused by the schema registry: HTTP "
            + httpStatus
            + ", error code "
            + errorCode
            + ": "
            + message,
        httpStatus,
        errorCode,
        null);
  }

  /** No answer came back from {@code url}. */
  public static SchemaRegistryException unreachable(String url, Throwable cause) {
    return new SchemaRegistryException(
        "registry unreachable at URL: "
            + url
            + " ("
            + cause
            + ") — check schema.registry.url and that the registry is running",
        null,
        null,
        cause);
  }

  /** The registry answered something this client cannot read. */
  public static SchemaRegistryException unexpectedAnswer(
      String call, int httpStatus, String body, Throwable cause) {
    return new SchemaRegistryException(
        call
            + ": unexpected answer from the schema registry (HTTP "
            + httpStatus
            + "): "
            + body
            + " — is schema.registry.url the root of a Confluent-compatible registry API?",
        httpStatus,
        null,
        cause);
  }

  /** The HTTP status of the registry's answer; empty when it could not be reached. */
  public OptionalInt httpStatus() {
    return httpStatus == null ? OptionalInt.empty() : OptionalInt.of(httpStatus);
  }

  /** The registry's {@code error_code}; empty when there was none. */
  public OptionalInt errorCode() {
    return errorCode == null ? OptionalInt.empty() : OptionalInt.of(errorCode);
  }

  /** True when no answer came back from the registry (connection refused, timeout, TLS). */
  public boolean isUnreachable() {
    return httpStatus == null;
  }

  /**
   * True when asking again later may succeed: the registry could not be reached or answered with a
   * server error (5xx). A refusal (4xx) is an answer about the record and will not change.
   */
  public boolean isTransient() {
    return httpStatus == null || httpStatus >= 500;
  }

  /** Whether {@code t} or one of its causes is a {@linkplain #isTransient transient} failure. */
  public static boolean transientIn(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SchemaRegistryException e && e.isTransient()) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /**
   * Whether {@code e} is a 409 that says the subject already exists (Apicurio: "An artifact with ID
   * 'x' in group 'null' already exists"), not that the schema is incompatible.
   */
  static boolean saysAlreadyExists(SchemaRegistryException e) {
    String m = e.getMessage();
    return m != null && m.toLowerCase(java.util.Locale.ROOT).contains("already exists");
  }

  /** True when the registry said that the subject, version or schema does not exist. */
  public boolean isNotFound() {
    return httpStatus != null && httpStatus == 404;
  }
}
