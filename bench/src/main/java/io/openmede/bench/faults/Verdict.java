package io.openmede.bench.faults;

import java.util.Optional;

/**
 * Whether the running system survived one fault.
 *
 * @param fault the fault, as the case names it
 * @param survived refused as it should be, recognition going on within the bound
 * @param what what the check saw (or what went wrong)
 */
record Verdict(String fault, boolean survived, String what) {

  /** Survived when there is no {@code failure}. */
  static Verdict of(String fault, Optional<String> failure) {
    return new Verdict(fault, failure.isEmpty(), failure.orElse("recognitions continued"));
  }

  /** The same fault, not survived after all, because of {@code why}. */
  Verdict failed(String why) {
    return new Verdict(fault, false, what + "; " + why);
  }
}
