package io.openmede.recognizer;

import io.openmede.model.InferenceDtype;
import io.openmede.model.openset.OpenSetScore;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The recognizer's model replicas: where they run and what they start from.
 *
 * @param devices one model replica per device ({@code cpu}, {@code gpu}, {@code gpu:N})
 * @param preset the architecture of the initial model
 * @param weights the initial weights; empty means the bundled weights of the preset, if any, else a
 *     random model of the preset (tests, demos)
 * @param seed the seed of the random initial model
 * @param threads libtorch intra-op threads, 0 for DJL's default
 * @param dtype the number type of the image tower at inference
 * @param openSetScore the open-set score whose thresholds (brought by each checkpoint) decide
 *     whether a window shows anything of the vocabulary
 */
public record ModelSettings(
    List<String> devices,
    String preset,
    Optional<Path> weights,
    long seed,
    int threads,
    InferenceDtype dtype,
    OpenSetScore openSetScore) {

  public ModelSettings {
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(openSetScore, "openSetScore");
    if (devices.isEmpty()) {
      throw new SettingsException(
          RecognizerSettings.DEVICES.name() + " is empty; name at least one device (cpu)");
    }
    devices = List.copyOf(devices);
  }

  /** Converts resolved settings of {@link RecognizerSettings#GROUP}. */
  public static ModelSettings from(Settings s) {
    return new ModelSettings(
        s.get(RecognizerSettings.DEVICES),
        s.get(RecognizerSettings.PRESET),
        s.get(RecognizerSettings.WEIGHTS).map(Path::of),
        s.get(RecognizerSettings.SEED),
        s.get(RecognizerSettings.MODEL_THREADS),
        s.get(RecognizerSettings.MODEL_DTYPE),
        s.get(RecognizerSettings.OPEN_SET_SCORE));
  }
}
