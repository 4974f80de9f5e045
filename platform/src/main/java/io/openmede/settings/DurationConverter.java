package io.openmede.settings;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Command options take durations as settings do: 90s, 5m, 250ms, or ISO-8601 (PT5M). */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Setting.parseDuration(value);
  }
}
