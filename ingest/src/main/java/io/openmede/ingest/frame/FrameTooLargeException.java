package io.openmede.ingest.frame;

/**
 * One encoded frame does not fit in a message of the configured maximum size, so no batch can carry
 * it. The message gives the sizes and the settings that fix it.
 */
public class FrameTooLargeException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public FrameTooLargeException(String message) {
    super(message);
  }
}
