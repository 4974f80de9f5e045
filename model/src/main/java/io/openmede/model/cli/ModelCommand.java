package io.openmede.model.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code model}: inspects and verifies CLIP checkpoints. Subcommands: {@code info}, {@code verify}.
 */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description =
        "Inspects and verifies CLIP checkpoints; with the launcher, lists the model history on"
            + " the checkpoints topic and announces an operator's promote, rollback or unpin.",
    subcommands = {ModelInfoCommand.class, ModelVerifyCommand.class})
public final class ModelCommand implements Runnable {

  @Spec private CommandSpec spec;

  /** For picocli. */
  public ModelCommand() {}

  /** Without a subcommand: prints the usage. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
