package io.openmede.bench.faults;

import static io.openmede.bench.faults.RecordSender.bytes;
import static io.openmede.bench.faults.RecordSender.sha256;

import io.openmede.platform.signing.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Bad input on the checkpoints topic: records that are not Avro or of an unknown schema, an
 * unsigned announcement and one signed by another key, a file outside {@code
 * recognizer.checkpoints.roots}, a symlink out of the root, {@code /dev/zero}; each refused by
 * every recognizer ({@code openmede_recognizer_checkpoints_refused_total}).
 */
final class BadCheckpoints {

  private BadCheckpoints() {}

  /** The group, with the files its announcements name (4 KiB of zeros each) made now. */
  static FaultGroup group(FaultRig rig) throws Exception {
    String checkpoints = rig.cluster.topics().checkpoints().name();
    RecordSender send = rig.sender;
    String model = rig.settings.checkpoints().modelName();
    Path root = rig.settings.checkpoints().roots().get(0);
    Path outside = rig.scratchDirectory("openmede-faults-outside").resolve("outside.safetensors");
    Files.write(outside, new byte[4096]);
    Path inside = root.resolve("inside.safetensors");
    Files.write(inside, new byte[4096]);
    Path link = root.resolve("link-out.safetensors");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, outside);
    String in = inside.toUri().toString();
    return FaultGroup.badInput(
        checkpoints,
        "checkpoints",
        List.of(
            refused("not Avro", () -> send.raw(checkpoints, bytes(model), RecordSender.notAvro())),
            refused(
                "unknown schema id",
                () -> send.raw(checkpoints, bytes(model), RecordSender.unknownSchemaId())),
            refused(
                "unsigned announcement (of a file in the store)",
                () ->
                    send.announce(
                        model, "faults-unsigned", in, sha256(inside), 4096, Optional.empty())),
            refused(
                "announcement signed by another key",
                () ->
                    send.announce(
                        model,
                        "faults-foreign",
                        in,
                        sha256(inside),
                        4096,
                        Optional.of(KeyFiles.generate()))),
            refused(
                "file outside the checkpoint roots (" + outside + ")",
                () ->
                    send.announce(
                        model,
                        "faults-outside",
                        outside.toUri().toString(),
                        sha256(outside),
                        4096)),
            refused(
                "symlink out of the root (" + link + " -> " + outside + ")",
                () ->
                    send.announce(
                        model, "faults-symlink", link.toUri().toString(), sha256(outside), 4096)),
            refused(
                "/dev/zero, a never-ending file",
                () ->
                    send.announce(
                        model, "faults-dev-zero", "file:///dev/zero", "0".repeat(64), 1L << 30))));
  }

  private static FaultCase refused(String what, RecordSender.Send send) {
    return new RefusedRecord("checkpoints: " + what, "checkpoints", send);
  }
}
