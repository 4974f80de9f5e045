package io.openmede.stack.access;

import io.openmede.schemas.topic.TopicNames;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The {@link Role} table as the files of {@code deploy/}: {@code kafka-acls} commands for any Kafka
 * cluster ({@code deploy/acls/kafka-acls.sh}) and Strimzi {@code KafkaUser} resources for Kafka on
 * Kubernetes ({@code deploy/strimzi/kafka-users.yaml}). Generated, never edited: {@code
 * AclFilesTest} fails when a file differs from what the table gives; {@code openmede stack acls
 * --format kafka-acls|strimzi} prints them.
 */
public final class AclFiles {

  /** The file of kafka-acls commands, relative to the repository root. */
  public static final String KAFKA_ACLS = "deploy/acls/kafka-acls.sh";

  /** The file of Strimzi KafkaUser resources, relative to the repository root. */
  public static final String STRIMZI_USERS = "deploy/strimzi/kafka-users.yaml";

  private AclFiles() {}

  /** A shell script of {@code kafka-acls.sh --add} commands, one per role and resource. */
  public static String kafkaAcls(TopicNames names) {
    StringBuilder b = new StringBuilder();
    b.append("#!/bin/sh\n");
    b.append(
        "# openmede's least-privilege ACLs as kafka-acls commands, one SCRAM user per role.\n");
    b.append("# Generated from io.openmede.stack.access.Role (`openmede stack acls --format");
    b.append(" kafka-acls`);\n# AclFilesTest fails when this file differs from the table.");
    b.append(" `openmede stack` applies the same ACLs.\n#\n");
    b.append("#   BOOTSTRAP=broker-1:9093 ADMIN_CONFIG=admin.properties sh ");
    b.append(KAFKA_ACLS).append("\n#\n");
    b.append(
        "# ADMIN_CONFIG: client properties of a super user (security.protocol, sasl.*, ssl.*).\n");
    b.append("# Create the users first, e.g. kafka-configs.sh --alter --add-config\n");
    b.append(
        "#   'SCRAM-SHA-512=[password=...]' --entity-type users --entity-name openmede-camera\n");
    b.append("set -eu\n");
    b.append(": \"${BOOTSTRAP:?set BOOTSTRAP to the brokers' host:port}\"\n");
    b.append(": \"${ADMIN_CONFIG:?set ADMIN_CONFIG to a super user's client properties file}\"\n");
    b.append("KAFKA_ACLS=\"${KAFKA_ACLS:-kafka-acls.sh}\"\n");
    b.append("acl() {\n");
    b.append(
        "  \"$KAFKA_ACLS\" --bootstrap-server \"$BOOTSTRAP\" --command-config \"$ADMIN_CONFIG\"");
    b.append(" --add \"$@\"\n}\n");
    for (Role role : Role.values()) {
      b.append("\n# ").append(role.user()).append(": ").append(role.summary()).append('\n');
      for (Grant g : role.grants(names)) {
        b.append("acl --allow-principal ").append(role.principal());
        for (AclOperation op : g.operations()) {
          b.append(" --operation ").append(camel(op.name()));
        }
        b.append(' ').append(resourceFlag(g.type())).append(' ').append(g.name());
        if (g.prefixed()) {
          b.append(" --resource-pattern-type prefixed");
        }
        b.append('\n');
      }
    }
    return b.toString();
  }

  /** One Strimzi {@code KafkaUser} per role (SCRAM-SHA-512, simple authorization). */
  public static String strimziUsers(TopicNames names) {
    StringBuilder b = new StringBuilder();
    b.append("# openmede's least-privilege users for Kafka on Kubernetes with Strimzi: one\n");
    b.append("# KafkaUser per role (SCRAM-SHA-512; Strimzi puts the password in a Secret of the\n");
    b.append(
        "# user's name). Generated from io.openmede.stack.access.Role (`openmede stack acls\n");
    b.append("# --format strimzi`); AclFilesTest fails when this file differs from the table.\n");
    b.append("# Set strimzi.io/cluster to your Kafka resource's name; the Kafka resource needs\n");
    b.append("# authorization type simple and a scram-sha-512 listener.\n");
    b.append("#\n#   kubectl apply -n kafka -f ").append(STRIMZI_USERS).append('\n');
    for (Role role : Role.values()) {
      b.append("---\n");
      b.append("# ").append(role.summary()).append('\n');
      b.append("apiVersion: kafka.strimzi.io/v1beta2\n");
      b.append("kind: KafkaUser\n");
      b.append("metadata:\n");
      b.append("  name: ").append(role.user()).append('\n');
      b.append("  labels:\n");
      b.append("    strimzi.io/cluster: openmede\n");
      b.append("spec:\n");
      b.append("  authentication:\n");
      b.append("    type: scram-sha-512\n");
      b.append("  authorization:\n");
      b.append("    type: simple\n");
      b.append("    acls:\n");
      for (Grant g : role.grants(names)) {
        b.append("      - resource:\n");
        b.append("          type: ").append(strimziType(g.type())).append('\n');
        b.append("          name: ").append(g.name()).append('\n');
        b.append("          patternType: ")
            .append(g.prefixed() ? "prefix" : "literal")
            .append('\n');
        b.append("        operations: [")
            .append(
                g.operations().stream()
                    .map(op -> camel(op.name()))
                    .collect(Collectors.joining(", ")))
            .append("]\n");
        b.append("        host: \"*\"\n");
      }
    }
    return b.toString();
  }

  private static String resourceFlag(ResourceType type) {
    return switch (type) {
      case TOPIC -> "--topic";
      case GROUP -> "--group";
      case TRANSACTIONAL_ID -> "--transactional-id";
      default -> throw new IllegalArgumentException("no kafka-acls flag for " + type);
    };
  }

  private static String strimziType(ResourceType type) {
    return switch (type) {
      case TOPIC -> "topic";
      case GROUP -> "group";
      case TRANSACTIONAL_ID -> "transactionalId";
      default -> throw new IllegalArgumentException("no Strimzi resource type for " + type);
    };
  }

  /** {@code DESCRIBE_CONFIGS} as kafka-acls and Strimzi write it: {@code DescribeConfigs}. */
  static String camel(String constant) {
    return List.of(constant.split("_")).stream()
        .map(w -> w.charAt(0) + w.substring(1).toLowerCase(Locale.ROOT))
        .collect(Collectors.joining());
  }
}
