package io.openmede.schemas.checkpoint;

import io.openmede.settings.Setting;
import io.openmede.settings.SettingsGroup;
import java.util.Optional;

/** The settings of an operator's commands ({@code openmede model promote|rollback|unpin}). */
public final class OperatorSettings {
  private OperatorSettings() {}

  public static final Setting<Optional<String>> SIGNING_KEY =
      Setting.optionalString(
          "operator.signing-key",
          "Ed25519 private key (PEM, from openmede keys generate --operator) that signs an"
              + " operator's promote, rollback or unpin; its NAME.pub must lie beside NAME.key and"
              + " be listed in every recognizer's recognizer.checkpoints.operator-keys. Keep it"
              + " apart from the trainer's key.");

  public static final SettingsGroup GROUP = SettingsGroup.of("Operator", SIGNING_KEY);
}
