package io.openmede.embedded;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects one {@link EmbeddedPlatform} (temporary broker and registry) shared by every test class
 * of the run that asks for it, closed when the run ends; keeps the integration suite fast.
 */
final class SharedPlatform implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedPlatform.class);

  /** Closes the platform at the end of the run. */
  record Handle(EmbeddedPlatform platform) implements AutoCloseable {
    @Override
    public void close() {
      platform.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedPlatform.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(
            Handle.class, k -> new Handle(EmbeddedPlatform.startTemporary()), Handle.class)
        .platform();
  }
}
