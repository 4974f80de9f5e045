package io.openmede.schemas.registry;

import java.util.Locale;
import java.util.Optional;

/**
 * A subject's compatibility level in the Confluent REST API ({@code GET/PUT /config/{subject}}),
 * and which levels promise at least what another one promises.
 *
 * <p>The project's schemas evolve {@link #BACKWARD_TRANSITIVE} (DESIGN.md §1): a new version reads
 * data written with every earlier one. Registries differ in what they start with: Confluent's and
 * the embedded registry apply BACKWARD or BACKWARD_TRANSITIVE, Apicurio's ccompat API {@link
 * #NONE}, so the project sets the level of the subjects it owns instead of relying on a default.
 */
public enum CompatibilityLevel {
  NONE,
  BACKWARD,
  BACKWARD_TRANSITIVE,
  FORWARD,
  FORWARD_TRANSITIVE,
  FULL,
  FULL_TRANSITIVE;

  /**
   * Whether a subject at this level refuses at least every schema that {@code other} refuses: FULL
   * covers BACKWARD and FORWARD, a transitive level covers its plain one, everything covers NONE.
   */
  public boolean covers(CompatibilityLevel other) {
    if (other == NONE || other == this) {
      return true;
    }
    boolean transitive = name().endsWith("_TRANSITIVE");
    boolean otherTransitive = other.name().endsWith("_TRANSITIVE");
    if (otherTransitive && !transitive) {
      return false;
    }
    return switch (other.direction()) {
      case "BACKWARD" -> direction().equals("BACKWARD") || direction().equals("FULL");
      case "FORWARD" -> direction().equals("FORWARD") || direction().equals("FULL");
      case "FULL" -> direction().equals("FULL");
      default -> false;
    };
  }

  private String direction() {
    return name().replace("_TRANSITIVE", "");
  }

  /** The level a registry names ({@code "BACKWARD_TRANSITIVE"}), any case; empty if unknown. */
  public static Optional<CompatibilityLevel> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
