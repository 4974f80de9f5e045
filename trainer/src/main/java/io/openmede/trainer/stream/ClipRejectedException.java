package io.openmede.trainer.stream;

/** A labeled clip that cannot be trained on; the message says why and what was expected. */
public final class ClipRejectedException extends Exception {

  private static final long serialVersionUID = 1L;

  /** A rejection with its reason. */
  public ClipRejectedException(String reason) {
    super(reason);
  }

  /** A rejection with its reason and cause. */
  public ClipRejectedException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
