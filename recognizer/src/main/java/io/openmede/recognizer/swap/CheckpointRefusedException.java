package io.openmede.recognizer.swap;

/**
 * A checkpoint announcement that cannot be served (unreachable or truncated file, hash mismatch,
 * another architecture, unreadable weights, a missing or foreign signature, older than the serving
 * one). The current model keeps serving.
 */
public final class CheckpointRefusedException extends Exception {

  private final String reason;
  private final String version;

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
    this.version = version;
  }

  public CheckpointRefusedException(String version, String reason) {
    this(version, reason, (Throwable) null);
  }

  /** A refusal with a message and no underlying exception. */
  public CheckpointRefusedException(String version, String reason, String why) {
    super("checkpoint " + version + " refused (" + reason + "): " + why);
    this.reason = reason;
    this.version = version;
  }

  /** The refused version. */
  public String version() {
    return version;
  }

  /**
   * A short reason label for metrics: hash, size, confined, architecture, unreadable, fetch,
   * unsigned, signature, downgrade, held-back, pinned, superseded, operator-untrusted,
   * operator-signature, operator-action.
   */
  public String reason() {
    return reason;
  }
}
