package io.openmede.bench.faults;

import io.openmede.events.cli.EventsCommand;
import io.openmede.ingest.feedback.LabelerCommand;
import io.openmede.trainer.cli.TrainCommand;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * A service of the campaign in a JVM of its own, started through its real command as a deployment
 * runs it ({@code openmede events}, {@code openmede labeler}, {@code openmede train}): the first
 * argument names the command, the others are its own ({@code --set name=value}). Exits with the
 * command's status.
 */
public final class ServiceProcess {

  private ServiceProcess() {}

  public static void main(String[] args) {
    if (args.length == 0) {
      System.err.println("service process: expected events, labeler or train, then its arguments");
      System.exit(2);
    }
    Object command =
        switch (args[0]) {
          case "events" -> new EventsCommand();
          case "labeler" -> new LabelerCommand();
          case "train" -> new TrainCommand();
          default -> null;
        };
    if (command == null) {
      System.err.println(
          "service process: unknown service '" + args[0] + "'; expected events, labeler or train");
      System.exit(2);
    }
    System.exit(new CommandLine(command).execute(Arrays.copyOfRange(args, 1, args.length)));
  }
}
