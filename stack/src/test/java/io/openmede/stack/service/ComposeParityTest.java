package io.openmede.stack.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code openmede stack} runs the services with the command lines and environment of {@code
 * deploy/compose.yaml}: each service of the stack's table is in the compose file with the same
 * command and the same {@code OPENMEDE_*} variables (the connection ones aside: the stack gives its
 * own cluster, registry and each role's user), and the other way round.
 */
class ComposeParityTest {

  private static final Path COMPOSE =
      Path.of(System.getProperty("openmede.root", ".."), "deploy", "compose.yaml");

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services() throws Exception {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(200);
    try (Reader r = Files.newBufferedReader(COMPOSE)) {
      Map<String, Object> doc = new Yaml(options).load(r);
      return (Map<String, Map<String, Object>>) doc.get("services");
    }
  }

  private static boolean connection(String name) {
    return name.startsWith("OPENMEDE_KAFKA_") || name.startsWith("OPENMEDE_SCHEMA_REGISTRY_");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyStackService_hasComposesCommandAndEnvironment() throws Exception {
    Map<String, Map<String, Object>> compose = services();
    for (StackService s : StackService.compose()) {
      Map<String, Object> c = compose.get(s.name());
      assertThat(c).as("service %s in %s", s.name(), COMPOSE).isNotNull();
      assertThat((List<String>) c.get("command")).as("command of %s", s.name()).isEqualTo(s.args());
      Map<String, String> composeEnv = new TreeMap<>();
      Object env = c.get("environment");
      if (env instanceof Map<?, ?> m) {
        m.forEach((k, v) -> composeEnv.put(k.toString(), String.valueOf(v)));
      }
      composeEnv.keySet().removeIf(k -> !k.startsWith("OPENMEDE_") || connection(k));
      assertThat(new TreeMap<>(s.environment()))
          .as("OPENMEDE_* environment of %s", s.name())
          .isEqualTo(composeEnv);
    }
  }

  @Test
  void everyComposeService_ofOpenmede_isInTheStack() throws Exception {
    List<String> stack = StackService.compose().stream().map(StackService::name).toList();
    for (Map.Entry<String, Map<String, Object>> e : services().entrySet()) {
      Object image = e.getValue().get("image");
      boolean openmede = image != null && image.toString().contains("OPENMEDE_IMAGE");
      boolean profiled = e.getValue().containsKey("profiles");
      if (openmede && !profiled) {
        assertThat(stack)
            .as("compose service %s in the stack's table", e.getKey())
            .contains(e.getKey());
      }
    }
  }

  @Test
  void compose_hasThreeKafkaNodesAndApicurio() throws Exception {
    Map<String, Map<String, Object>> compose = services();
    assertThat(compose).containsKeys("kafka-1", "kafka-2", "kafka-3", "registry");
    assertThat(compose.get("registry").get("image").toString()).contains("apicurio");
  }
}
