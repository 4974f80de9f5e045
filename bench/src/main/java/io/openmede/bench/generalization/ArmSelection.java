package io.openmede.bench.generalization;

import io.openmede.bench.generalization.GeneralizationBenchmark.Arm;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The arms one run of the benchmark trains and scores ({@code --arms}). An arm is one trajectory
 * ({@link Arm}) with the rows it yields (its {@code -gwa} average; plain's {@code interp}), or the
 * frozen model. Comparisons that need an arm not run are reported as not run, never computed.
 *
 * @param arms the selected arm names, each one of {@link #NAMES}
 */
record ArmSelection(Set<String> arms) {

  /**
   * {@link #NAMES} as help text (a constant, for the option's description; a test checks that it
   * matches).
   */
  static final String NAMES_TEXT =
      "frozen, oracle, oracle-every-scene, plain, plain-2nb, open-mede-acting, open-mede-paper";

  /** Every arm name, in table order: {@code frozen} and each trajectory. */
  static final List<String> NAMES = names();

  private static List<String> names() {
    List<String> out = new ArrayList<>();
    out.add("frozen");
    for (Arm a : Arm.values()) {
      out.add(a.method);
    }
    return List.copyOf(out);
  }

  /** Validates, naming the bad value and the valid ones. */
  ArmSelection {
    arms = Set.copyOf(arms);
    if (arms.isEmpty()) {
      throw new IllegalArgumentException("--arms needs at least one of " + NAMES);
    }
    for (String a : arms) {
      if (!NAMES.contains(a)) {
        throw new IllegalArgumentException(
            "unknown arm '" + a + "'; valid arms: " + String.join(",", NAMES));
      }
    }
  }

  /** Every arm (the default). */
  static ArmSelection all() {
    return new ArmSelection(new LinkedHashSet<>(NAMES));
  }

  /** The arms named in {@code names} (trimmed; duplicates count once). */
  static ArmSelection of(List<String> names) {
    Set<String> s = new LinkedHashSet<>();
    names.forEach(n -> s.add(n.trim()));
    return new ArmSelection(s);
  }

  /** Whether every arm runs. */
  boolean isAll() {
    return arms.containsAll(NAMES);
  }

  /** Whether arm {@code name} runs. */
  boolean runs(String name) {
    return arms.contains(name);
  }

  /** The trajectories to train, in {@link Arm} order. */
  List<Arm> trajectories() {
    return java.util.Arrays.stream(Arm.values()).filter(a -> runs(a.method)).toList();
  }

  /** The arm a table row comes from: {@code plain-gwa} and {@code interp} from {@code plain}. */
  static String armOf(String method) {
    if (method.equals("interp")) {
      return "plain";
    }
    return method.endsWith("-gwa") ? method.substring(0, method.length() - 4) : method;
  }

  /** The table rows this selection yields, in {@link GeneralizationBenchmark#METHODS} order. */
  List<String> methods() {
    return GeneralizationBenchmark.METHODS.stream().filter(m -> runs(armOf(m))).toList();
  }

  /** The selected arm names in {@link #NAMES} order, comma-separated. */
  String describe() {
    return String.join(",", NAMES.stream().filter(this::runs).toList());
  }

  /** Refuses an unknown arm name while the command line is parsed (exit code 2). */
  static final class NameConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String v = value.trim();
      if (!NAMES.contains(v)) {
        throw new TypeConversionException(
            "unknown arm '" + v + "'; valid arms: " + String.join(",", NAMES));
      }
      return v;
    }
  }
}
