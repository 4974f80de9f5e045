package io.openmede.cli;

import io.openmede.bench.cluster.BenchClusterCommand;
import io.openmede.bench.evaluate.EvaluateCommand;
import io.openmede.bench.faults.BenchFaultsCommand;
import io.openmede.bench.generalization.BenchGeneralizationCommand;
import io.openmede.bench.ingest.BenchIngestCommand;
import io.openmede.bench.model.BenchModelCommand;
import io.openmede.bench.openset.BenchOpenSetCommand;
import io.openmede.bench.pretrain.PretrainCommand;
import io.openmede.bench.recognizer.BenchRecognizerCommand;
import io.openmede.bench.trainer.BenchTrainerCommand;
import io.openmede.cli.model.ModelHistoryCommands;
import io.openmede.embedded.cli.BrokerCommand;
import io.openmede.events.cli.AlertCommand;
import io.openmede.events.cli.EventsCommand;
import io.openmede.ingest.command.IngestCommand;
import io.openmede.ingest.feedback.FeedbackCommand;
import io.openmede.ingest.feedback.LabelerCommand;
import io.openmede.model.cli.ModelCommand;
import io.openmede.model.cli.TokenizeCommand;
import io.openmede.recognizer.cli.VocabCommand;
import io.openmede.stack.StackCommand;
import io.openmede.trainer.cli.TrainCommand;
import picocli.CommandLine;

/** Every subcommand of {@code openmede}, in the order {@code --help} lists them. */
final class Commands {
  private Commands() {}

  static void register(CommandLine cl) {
    cl.addSubcommand(new DemoCommand());
    cl.addSubcommand(new BrokerCommand());
    cl.addSubcommand(new StackCommand());
    cl.addSubcommand(new IngestCommand());
    cl.addSubcommand(new RecognizeCommand());
    cl.addSubcommand(new VocabCommand());
    cl.addSubcommand(new EventsCommand());
    cl.addSubcommand(new AlertCommand());
    cl.addSubcommand(new FeedbackCommand());
    cl.addSubcommand(new LabelerCommand());
    cl.addSubcommand(new TrainCommand());
    cl.addSubcommand(new PretrainCommand());
    cl.addSubcommand(new EvaluateCommand());
    CommandLine model = new CommandLine(new ModelCommand());
    for (Object sub : ModelHistoryCommands.subcommands()) {
      model.addSubcommand(sub);
    }
    cl.addSubcommand(model);
    cl.addSubcommand(new TokenizeCommand());
    CommandLine bench = new CommandLine(new BenchCommand());
    bench.addSubcommand(new BenchModelCommand());
    bench.addSubcommand(new BenchIngestCommand());
    bench.addSubcommand(new BenchRecognizerCommand());
    bench.addSubcommand(new BenchFaultsCommand());
    bench.addSubcommand(new BenchClusterCommand());
    bench.addSubcommand(new BenchTrainerCommand());
    bench.addSubcommand(new BenchGeneralizationCommand());
    bench.addSubcommand(new BenchOpenSetCommand());
    cl.addSubcommand(bench);
    cl.addSubcommand(new KeysCommand());
    cl.addSubcommand(new SettingsCommand());
  }
}
