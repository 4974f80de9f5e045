package io.openmede.cli;

import io.openmede.platform.signing.KeyFiles;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code openmede keys ...}: the Ed25519 keys that sign checkpoint announcements. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = {
      "Keys that sign checkpoint announcements (Ed25519): the trainer signs with the private key,",
      "recognizers refuse announcements not signed by a public key they trust."
    },
    subcommands = KeysCommand.Generate.class)
final class KeysCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code openmede keys generate}: writes a new key pair. */
  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description = {
        "Write a new Ed25519 key pair: DIR/NAME.key (PKCS#8 PEM, readable by its owner only) and"
            + " DIR/NAME.pub (X.509 PEM). Existing files are never replaced.",
        "Give NAME.key to the trainer (trainer.checkpoint.signing-key; NAME.pub must lie beside"
            + " it) and NAME.pub to every recognizer (recognizer.checkpoints.trusted-keys).",
        "With --operator, the pair is an operator's, apart from the trainer's: NAME.key signs"
            + " openmede model promote, rollback and unpin (operator.signing-key), NAME.pub goes"
            + " to every recognizer (recognizer.checkpoints.operator-keys).",
        "openssl makes the same files: openssl genpkey -algorithm ed25519 -out NAME.key;"
            + " openssl pkey -in NAME.key -pubout -out NAME.pub."
      })
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--out",
        defaultValue = "data/keys",
        description = "Directory to write the key files to (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
        names = "--name",
        description =
            "File name of the pair, without extension (default: openmede-checkpoints, or"
                + " openmede-operator with --operator).")
    String name;

    @Option(
        names = "--operator",
        description =
            "An operator's key (openmede model promote|rollback|unpin), not the trainer's.")
    boolean operator;

    @Option(
        names = "--keep-existing",
        description =
            "When both files exist already, keep them and exit 0 (for an init step that runs on"
                + " every start); a lone half of a pair is still an error.")
    boolean keepExisting;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      if (name == null) {
        name = operator ? "openmede-operator" : "openmede-checkpoints";
      }
      if (!name.matches("[A-Za-z0-9._-]{1,100}") || name.startsWith(".")) {
        err.println(
            "keys generate: --name '"
                + name
                + "' must be 1 to 100 letters, digits, '.', '_' or '-', not starting with '.'");
        return 2;
      }
      Path privateFile = out.resolve(name + ".key");
      Path publicFile = out.resolve(name + ".pub");
      if (keepExisting && Files.exists(privateFile) && Files.exists(publicFile)) {
        try {
          KeyPair kept = KeyFiles.readPair(privateFile);
          spec.commandLine()
              .getOut()
              .println(
                  "keeping key "
                      + CheckpointSigning.keyId(kept.getPublic())
                      + " in "
                      + privateFile
                      + " and "
                      + publicFile);
          spec.commandLine().getOut().flush();
          return 0;
        } catch (IOException e) {
          err.println("keys generate: the existing pair is unusable: " + e.getMessage());
          return 1;
        }
      }
      KeyPair pair = KeyFiles.generate();
      try {
        KeyFiles.write(pair, privateFile, publicFile);
      } catch (FileAlreadyExistsException e) {
        err.println(
            "keys generate: "
                + e.getFile()
                + " exists already; remove it or choose another --name or --out");
        return 1;
      } catch (IOException e) {
        err.println("keys generate: cannot write the key files in " + out + ": " + e.getMessage());
        return 1;
      }
      PrintWriter o = spec.commandLine().getOut();
      o.println("key id      " + CheckpointSigning.keyId(pair.getPublic()));
      o.println(
          "private key "
              + privateFile
              + "  (keep it secret: only the "
              + (operator ? "operator" : "trainer")
              + " needs it)");
      o.println("public key  " + publicFile);
      o.println();
      if (operator) {
        o.println("operator:    operator.signing-key=" + privateFile);
        o.println("recognizers: recognizer.checkpoints.operator-keys=" + publicFile);
      } else {
        o.println("trainer:     trainer.checkpoint.signing-key=" + privateFile);
        o.println("recognizers: recognizer.checkpoints.trusted-keys=" + publicFile);
      }
      o.flush();
      return 0;
    }
  }
}
