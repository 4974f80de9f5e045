package io.openmede.stack.service;

import io.openmede.stack.access.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One service of the stack as {@code deploy/compose.yaml} runs it: its {@code openmede} command
 * line, its {@code OPENMEDE_*} environment (paths under {@code /var/lib/openmede} as in the
 * containers, mapped into the stack's directory when it starts), the role whose credentials it
 * uses, and its heap. {@code ComposeParityTest} checks the table against the compose file.
 *
 * @param name the compose service name ({@code recognizer}, {@code ingest-labeled})
 * @param role whose SCRAM user and ACLs it runs with; empty for a step that never talks to Kafka
 * @param args the command line after {@code openmede}
 * @param environment the service's own variables (the connection ones are added by the stack)
 * @param heap {@code -Xmx} of its JVM
 * @param oneShot a step that runs to completion before the others start ({@code keys})
 */
public record StackService(
    String name,
    Optional<Role> role,
    List<String> args,
    Map<String, String> environment,
    String heap,
    boolean oneShot) {

  /** The metrics port inside every container of the compose file; the stack gives free ports. */
  public static final String COMPOSE_METRICS_PORT = "9400";

  /** The live page's port in the compose file; the stack gives a free one. */
  public static final String COMPOSE_PAGE_PORT = "8080";

  public StackService {
    args = List.copyOf(args);
    environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
  }

  /**
   * The services of {@code deploy/compose.yaml} (without the profiles {@code file}, {@code tools}).
   */
  public static List<StackService> compose() {
    return List.of(
        new StackService(
            "ingest",
            Optional.of(Role.CAMERA),
            List.of(
                "ingest", "synthetic", "--cameras", "2", "--metrics-port", COMPOSE_METRICS_PORT),
            Map.of(),
            "256m",
            false),
        new StackService(
            "ingest-labeled",
            Optional.of(Role.DATASET),
            List.of("ingest", "synthetic", "--labeled", "--metrics-port", COMPOSE_METRICS_PORT),
            Map.of(),
            "256m",
            false),
        new StackService(
            "keys",
            Optional.empty(),
            List.of(
                "keys",
                "generate",
                "--out",
                "/var/lib/openmede/keys",
                "--name",
                "checkpoints",
                "--keep-existing"),
            Map.of(),
            "96m",
            true),
        new StackService(
            "operator-keys",
            Optional.empty(),
            List.of(
                "keys",
                "generate",
                "--operator",
                "--out",
                "/var/lib/openmede/keys",
                "--name",
                "operator",
                "--keep-existing"),
            Map.of(),
            "96m",
            true),
        recognizer(
            "recognizer",
            Role.PAGE,
            List.of("recognize", "--http", COMPOSE_PAGE_PORT),
            // the live page's Promote, Roll back and Unpin sign with the operator's key
            Map.of("OPENMEDE_OPERATOR_SIGNING_KEY", "/var/lib/openmede/keys/operator.key")),
        recognizer("recognizer-2", Role.RECOGNIZER, List.of("recognize"), Map.of()),
        new StackService(
            "trainer",
            Optional.of(Role.TRAINER),
            List.of("train"),
            ordered(
                "OPENMEDE_TRAINER_METRICS_PORT", COMPOSE_METRICS_PORT,
                "OPENMEDE_TRAINER_CHECKPOINT_DIR", "/var/lib/openmede/checkpoints",
                "OPENMEDE_TRAINER_STATE_DIR", "/var/lib/openmede/trainer",
                "OPENMEDE_TRAINER_DEVICE", "cpu",
                "OPENMEDE_TRAINER_CHECKPOINT_SIGNING_KEY", "/var/lib/openmede/keys/checkpoints.key",
                "OPENMEDE_TRAINER_GATE_OPERATOR_KEYS", "/var/lib/openmede/keys/operator.pub"),
            "1g",
            false),
        new StackService(
            "events",
            Optional.of(Role.EVENTS),
            List.of("events"),
            ordered(
                "OPENMEDE_EVENTS_METRICS_PORT", COMPOSE_METRICS_PORT,
                "OPENMEDE_EVENTS_STATE_DIR", "/var/lib/openmede/events",
                "OPENMEDE_EVENTS_WEBHOOK_ALLOWED_HOSTS", "localhost,127.0.0.1"),
            "256m",
            false),
        new StackService(
            "labeler",
            Optional.of(Role.LABELER),
            List.of("labeler"),
            ordered("OPENMEDE_LABELER_METRICS_PORT", COMPOSE_METRICS_PORT),
            "256m",
            false));
  }

  private static StackService recognizer(
      String name, Role role, List<String> args, Map<String, String> more) {
    Map<String, String> env =
        ordered(
            "OPENMEDE_RECOGNIZER_METRICS_PORT", COMPOSE_METRICS_PORT,
            "OPENMEDE_RECOGNIZER_STATE_DIR", "/var/lib/openmede/" + name + "/streams",
            "OPENMEDE_RECOGNIZER_CHECKPOINTS_CACHE",
                "/var/lib/openmede/" + name + "/checkpoint-cache",
            "OPENMEDE_RECOGNIZER_CHECKPOINTS_ROOTS", "/var/lib/openmede/checkpoints",
            "OPENMEDE_RECOGNIZER_CHECKPOINTS_TRUSTED_KEYS",
                "/var/lib/openmede/keys/checkpoints.pub",
            "OPENMEDE_RECOGNIZER_CHECKPOINTS_OPERATOR_KEYS", "/var/lib/openmede/keys/operator.pub",
            "OPENMEDE_RECOGNIZER_STREAM_THREADS", "2",
            "OPENMEDE_RECOGNIZER_DEVICES", "cpu");
    env.putAll(more);
    return new StackService(name, Optional.of(role), args, env, "768m", false);
  }

  private static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
