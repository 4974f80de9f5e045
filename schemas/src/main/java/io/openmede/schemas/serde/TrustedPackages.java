package io.openmede.schemas.serde;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Adds the package of a generated class handed to a serde to Avro's trusted classes, so that
 * decoding works without {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES}. Code that names a class
 * to a serde trusts it already; Avro's check guards against classes named by data.
 */
final class TrustedPackages {
  private static final Set<String> TRUSTED = ConcurrentHashMap.newKeySet();

  private TrustedPackages() {}

  static synchronized void trust(Class<?> generated) {
    String pkg = generated.getPackageName();
    if (TRUSTED.add(pkg)) {
      ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
      ClassSecurityValidator.setGlobal(
          ClassSecurityValidator.composite(previous, c -> c.getPackageName().equals(pkg)));
    }
  }
}
