package io.openmede.ingest.source;

/**
 * A source could not be opened or read: a missing or undecodable file, an unreachable URL, a camera
 * that does not exist. The message names the source and, where known, the fix. Callers that read
 * many sources (directories, dataset lists) record it and continue.
 */
public class SourceException extends Exception {
  private static final long serialVersionUID = 1L;

  public SourceException(String message) {
    super(message);
  }

  public SourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
