package io.openmede.stack.access;

import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Operations allowed on one resource (a topic, a consumer group, transactional ids), by its literal
 * name or by a name prefix.
 *
 * @param type TOPIC, GROUP or TRANSACTIONAL_ID
 * @param name the resource's name, or its prefix when {@code prefixed}
 * @param prefixed whether {@code name} is a prefix (Kafka's PREFIXED pattern type)
 * @param operations what is allowed (READ, WRITE, DESCRIBE, ALL, ...)
 */
public record Grant(
    ResourceType type, String name, boolean prefixed, List<AclOperation> operations) {

  public Grant {
    Objects.requireNonNull(type, "type");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a grant needs a resource name");
    }
    operations = List.copyOf(operations);
    if (operations.isEmpty()) {
      throw new IllegalArgumentException("a grant on " + name + " needs an operation");
    }
  }

  static Grant topic(String name, AclOperation... ops) {
    return new Grant(ResourceType.TOPIC, name, false, List.of(ops));
  }

  static Grant topicsPrefixed(String prefix, AclOperation... ops) {
    return new Grant(ResourceType.TOPIC, prefix, true, List.of(ops));
  }

  static Grant group(String name, boolean prefixed, AclOperation... ops) {
    return new Grant(ResourceType.GROUP, name, prefixed, List.of(ops));
  }

  static Grant transactionalIds(String prefix, AclOperation... ops) {
    return new Grant(ResourceType.TRANSACTIONAL_ID, prefix, true, List.of(ops));
  }

  /** The resource as Kafka's admin API names it. */
  public ResourcePattern pattern() {
    return new ResourcePattern(type, name, prefixed ? PatternType.PREFIXED : PatternType.LITERAL);
  }

  /** One ALLOW binding per operation for {@code principal} ({@code User:name}) from any host. */
  public List<AclBinding> bindings(String principal) {
    return operations.stream()
        .map(
            op ->
                new AclBinding(
                    pattern(), new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)))
        .toList();
  }
}
