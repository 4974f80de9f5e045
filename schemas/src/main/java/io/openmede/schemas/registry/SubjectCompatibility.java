package io.openmede.schemas.registry;

import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a subject the project owns at its configured compatibility level: reads the subject's
 * level, and where it is weaker than wanted (or not set, so that a registry default applies) raises
 * it when allowed, or reports it. Stateless; the serializers call it once per subject they
 * register.
 */
public final class SubjectCompatibility {
  private static final Logger LOG = LoggerFactory.getLogger(SubjectCompatibility.class);

  /** What {@link #enforce} found and did. */
  public enum Outcome {
    /** The subject's own level covers the wanted one; nothing changed. */
    AT_LEVEL,
    /** The level was weaker or unset and was set to the wanted one. */
    RAISED,
    /** The level was weaker or unset and raising was not allowed: reported in the log. */
    WEAKER_LEFT
  }

  private SubjectCompatibility() {}

  /**
   * Checks {@code subject} against {@code wanted}.
   *
   * @param raise set the wanted level where the subject's is weaker or unset
   * @throws SchemaRegistryException when the registry cannot be asked or refuses the change
   */
  public static Outcome enforce(
      SchemaRegistryClient registry, String subject, CompatibilityLevel wanted, boolean raise) {
    Objects.requireNonNull(wanted, "wanted");
    Optional<CompatibilityLevel> found = registry.compatibilityLevel(subject);
    if (found.isPresent() && found.get().covers(wanted)) {
      return Outcome.AT_LEVEL;
    }
    String was = found.map(Enum::name).orElse("not set (the registry's default applies)");
    if (!raise) {
      LOG.warn(
          "schema subject {} is at compatibility {}, weaker than the configured {}; left as it is"
              + " because schema.registry.compatibility.raise is false — set it on the registry"
              + " (PUT /config/{}) or allow raising",
          subject,
          was,
          wanted,
          subject);
      return Outcome.WEAKER_LEFT;
    }
    registry.setCompatibilityLevel(subject, wanted);
    LOG.info("schema subject {}: compatibility {} raised to {}", subject, was, wanted);
    return Outcome.RAISED;
  }
}
