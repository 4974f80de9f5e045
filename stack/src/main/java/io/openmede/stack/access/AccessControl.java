package io.openmede.stack.access;

import io.openmede.schemas.topic.TopicNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;

/**
 * Puts the {@link Role} table into a cluster: one SCRAM-SHA-512 user per role with a password made
 * at first start and kept in a directory ({@code <user>.password}, mode 600), and the ACLs of each
 * role. Both steps are idempotent. Needs an admin client of a super user.
 */
public final class AccessControl {

  private static final int SCRAM_ITERATIONS = 8192;

  private AccessControl() {}

  /**
   * Every role's password, made where missing, and its SCRAM credential set on the cluster.
   *
   * @param secrets where the passwords are kept
   */
  public static Map<Role, String> ensureUsers(Admin admin, Path secrets) throws IOException {
    Files.createDirectories(secrets);
    Map<Role, String> passwords = new EnumMap<>(Role.class);
    List<UserScramCredentialAlteration> upserts = new ArrayList<>();
    for (Role role : Role.values()) {
      Path file = secrets.resolve(role.user() + ".password");
      String password;
      if (Files.exists(file)) {
        password = Files.readString(file, StandardCharsets.UTF_8).trim();
      } else {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Files.writeString(file, password, StandardCharsets.UTF_8);
        try {
          Files.setPosixFilePermissions(
              file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not POSIX
        }
      }
      passwords.put(role, password);
      upserts.add(
          new UserScramCredentialUpsertion(
              role.user(),
              new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
              password));
    }
    await(admin.alterUserScramCredentials(upserts).all(), "creating the SCRAM users");
    return passwords;
  }

  /** Every role's ACL bindings for the topics named {@code names}. */
  public static List<AclBinding> bindings(TopicNames names) {
    List<AclBinding> all = new ArrayList<>();
    for (Role role : Role.values()) {
      for (Grant g : role.grants(names)) {
        all.addAll(g.bindings(role.principal()));
      }
    }
    return all;
  }

  /** Creates every role's ACLs (bindings that exist already are left as they are). */
  public static void applyAcls(Admin admin, TopicNames names) throws IOException {
    await(admin.createAcls(bindings(names)).all(), "creating the ACLs");
  }

  private static void await(org.apache.kafka.common.KafkaFuture<Void> f, String what)
      throws IOException {
    try {
      f.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(what + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(what + " was interrupted", e);
    }
  }
}
