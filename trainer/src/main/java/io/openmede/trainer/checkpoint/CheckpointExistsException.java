package io.openmede.trainer.checkpoint;

/**
 * A checkpoint version is in the store already: a trainer that published it before a crash, and
 * restarted from a state saved earlier, reaches the same version again. The caller decides whether
 * that is fine (the trainer goes on) or not.
 */
public final class CheckpointExistsException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String version;

  public CheckpointExistsException(String version, String where) {
    super("checkpoint version " + version + " already exists in " + where);
    this.version = version;
  }

  /** The version that exists. */
  public String version() {
    return version;
  }
}
