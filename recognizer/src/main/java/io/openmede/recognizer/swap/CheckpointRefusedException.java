package io.openmede.recognizer.swap;

/**
 * A checkpoint announcement that cannot be served (unreachable or truncated file, hash mismatch,
 * another architecture, unreadable weights). The current model keeps serving.
 */
public final class CheckpointRefusedException extends Exception {

  private final String reason;

  public CheckpointRefusedException(String version, String reason, Throwable cause) {
    super(
        "checkpoint "
            + version
            + " refused ("
            + reason
            + ")"
            + (cause == null ? "" : ": " + cause.getMessage()),
        cause);
    this.reason = reason;
  }

  public CheckpointRefusedException(String version, String reason) {
    this(version, reason, null);
  }

  /** A short reason label for metrics: hash, size, architecture, unreadable, fetch. */
  public String reason() {
    return reason;
  }
}
