package io.openmede.bench.faults;

import static io.openmede.bench.faults.RecordSender.bytes;

import java.util.List;

/** Bad input on the frames topic: records no recognizer can read, each to the dead letters. */
final class BadFrames {

  private BadFrames() {}

  static FaultGroup group(FaultRig rig) {
    String frames = rig.cluster.topics().frames().name();
    RecordSender send = rig.sender;
    byte[] cam = bytes("faults-bad-cam");
    return FaultGroup.badInput(
        frames,
        "frames",
        List.of(
            new DeadLetteredRecord(
                "frames: not Avro", () -> send.raw(frames, cam, RecordSender.notAvro())),
            new DeadLetteredRecord(
                "frames: unknown schema id",
                () -> send.raw(frames, cam, RecordSender.unknownSchemaId()))));
  }
}
