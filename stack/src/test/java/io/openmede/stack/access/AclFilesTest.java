package io.openmede.stack.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.topic.TopicNames;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The ACL files in deploy/ are the role table's, and the table is least privilege. */
class AclFilesTest {

  private static final Path ROOT = Path.of(System.getProperty("openmede.root", ".."));

  @Test
  void kafkaAclsFile_isGeneratedFromTheRoleTable() throws Exception {
    assertThat(Files.readString(ROOT.resolve(AclFiles.KAFKA_ACLS)))
        .as(
            "%s is stale: regenerate it with ./openmede stack acls --format kafka_acls > %s",
            AclFiles.KAFKA_ACLS, AclFiles.KAFKA_ACLS)
        .isEqualTo(AclFiles.kafkaAcls(TopicNames.defaults()));
  }

  @Test
  void strimziUsersFile_isGeneratedFromTheRoleTable() throws Exception {
    assertThat(Files.readString(ROOT.resolve(AclFiles.STRIMZI_USERS)))
        .as(
            "%s is stale: regenerate it with ./openmede stack acls --format strimzi > %s",
            AclFiles.STRIMZI_USERS, AclFiles.STRIMZI_USERS)
        .isEqualTo(AclFiles.strimziUsers(TopicNames.defaults()));
  }

  @Test
  void camera_mayTouchTheFramesTopicOnly() {
    TopicNames t = TopicNames.defaults();
    assertThat(Role.CAMERA.grants(t))
        .allSatisfy(g -> assertThat(g.name()).isEqualTo(t.frames()))
        .allSatisfy(g -> assertThat(g.prefixed()).isFalse());
  }

  @Test
  void onlyTheOperatorPageAndLabeler_writeTheVocabulary_andOnlyTheOperatorAndTrainer_checkpoints() {
    TopicNames t = TopicNames.defaults();
    for (Role role : Role.values()) {
      boolean vocabulary = writes(role, t.vocabulary());
      boolean checkpoints = writes(role, t.checkpoints());
      boolean rules = writes(role, t.rules());
      assertThat(vocabulary)
          .as("%s writes the vocabulary", role)
          .isEqualTo(role == Role.OPERATOR || role == Role.PAGE || role == Role.LABELER);
      assertThat(checkpoints)
          .as("%s writes checkpoints", role)
          .isEqualTo(role == Role.OPERATOR || role == Role.TRAINER);
      assertThat(rules)
          .as("%s writes rules", role)
          .isEqualTo(role == Role.OPERATOR || role == Role.PAGE);
    }
  }

  private static boolean writes(Role role, String topic) {
    return role.grants(TopicNames.defaults()).stream()
        .anyMatch(
            g ->
                (g.prefixed() ? topic.startsWith(g.name()) : topic.equals(g.name()))
                    && g.type() == org.apache.kafka.common.resource.ResourceType.TOPIC
                    && (g.operations().contains(org.apache.kafka.common.acl.AclOperation.WRITE)
                        || g.operations().contains(org.apache.kafka.common.acl.AclOperation.ALL)));
  }

  @Test
  void camel_writesOperationsAsKafkaAclsDoes() {
    assertThat(AclFiles.camel("DESCRIBE_CONFIGS")).isEqualTo("DescribeConfigs");
    assertThat(AclFiles.camel("WRITE")).isEqualTo("Write");
  }
}
