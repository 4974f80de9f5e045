package io.openmede.settings;

/**
 * A configuration value is missing, unknown or invalid; the message says which and how to fix it.
 */
public final class SettingsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SettingsException(String message) {
    super(message);
  }
}
