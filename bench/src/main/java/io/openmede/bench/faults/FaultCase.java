package io.openmede.bench.faults;

import java.time.Duration;

/**
 * One fault of the campaign: {@link #inject} does the harm, then {@link #check} waits for the
 * running system's answer and judges it. A case is used once, on the campaign's thread: inject,
 * then check; it may keep what it saw before the harm (a counter, a moment) in fields for its
 * check.
 *
 * <p>To add a fault: implement this (or use {@link DeadLetteredRecord} or {@link RefusedRecord} for
 * a record that must be refused) and put it in a group of {@link FaultPlan}; the verdict then
 * counts in {@code faults=} and {@code survived=}.
 */
interface FaultCase {

  /** How long a refusal may take to show (dead letter or metric). */
  Duration REFUSAL_WAIT = Duration.ofSeconds(20);

  /** The fault as the verdict lines name it, e.g. {@code "kill -9 of a recognizer"}. */
  String name();

  /** Does the harm, through {@code rig}. */
  void inject(FaultRig rig) throws Exception;

  /** Waits for the system's answer within the case's bound and judges it. */
  Verdict check(FaultRig rig) throws Exception;
}
