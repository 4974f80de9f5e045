package io.openmede.bench.faults;

import java.util.ArrayList;
import java.util.List;

/**
 * The campaign's plan once every stream is recognized, in order: steady recognition, bad input on
 * each topic the recognizer reads, then on the topics of the events service (rules, recognitions),
 * the labeler (feedback) and the trainer (labeled clips), slow clients on every port, then the
 * broker restart, the kill of a recognizer, the restart of the frame source and a registry outage
 * across a restart of a recognizer and of the events service, with steady recognition after each.
 * The last step is steady recognition: "after the faults". To add a fault, put its {@link
 * FaultCase} in a group here.
 */
final class FaultPlan {

  /** One step of the plan; what it returns are its faults' verdicts. */
  interface Step {
    List<Verdict> run(FaultRig rig) throws Exception;
  }

  /** Steady recognition for the case length, then how far the campaign got. */
  static final Step STEADY =
      rig -> {
        Thread.sleep(rig.options.caseLength().toMillis());
        rig.progress.line(
            "steady: %d recognitions read, %d dead letters, %d batches acknowledged",
            rig.ledger.seen().size(),
            rig.ledger.deadLetters().size(),
            rig.ledger.acknowledgedBatches());
        return List.of();
      };

  private FaultPlan() {}

  /** The steps for {@code rig}, whose frame sources run. */
  static List<Step> steps(FaultRig rig) throws Exception {
    List<Step> steps = new ArrayList<>();
    steps.add(STEADY);
    steps.add(BadFrames.group(rig));
    steps.add(BadVocabulary.group(rig));
    steps.add(BadCheckpoints.group(rig));
    steps.add(EventsFaults.badRules(rig));
    steps.add(EventsFaults.badRecognitions(rig));
    steps.add(ClipFaults.badFeedback(rig));
    steps.add(ClipFaults.badClips(rig));
    steps.add(FaultGroup.of("slow clients on every port", new SlowClients(rig::ports)));
    steps.add(STEADY);
    steps.add(FaultGroup.of("broker restart", new BrokerRestart()));
    steps.add(STEADY);
    steps.add(FaultGroup.of("kill -9 of one of two recognizers", new RecognizerKill()));
    steps.add(STEADY);
    steps.add(
        rig.sources().ingest().isPresent()
            ? FaultGroup.of("ingest restart", new IngestRestart())
            : FaultGroup.of(
                "ingest restart (the campaign's own cameras: no ingest process here)",
                new ProducerRestart()));
    steps.add(STEADY);
    steps.add(FaultGroup.of("schema registry outage", new RegistryOutage()));
    steps.add(STEADY);
    return steps;
  }
}
