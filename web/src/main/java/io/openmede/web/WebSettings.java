package io.openmede.web;

import io.openmede.settings.Setting;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsGroup;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Settings of the live page: who may change things through it, and who may read it.
 *
 * @param token the token every change (and, unless {@code readWithoutToken}, every read of the API)
 *     must carry
 * @param generated whether the token was made at start because none was configured (then the
 *     process prints the page's address with it)
 * @param readWithoutToken whether the page's state, frames and metrics may be read without it
 * @param allowedHosts extra host names (besides the bound address, localhost and 127.0.0.1) the
 *     page answers to, e.g. the name a proxy serves it under
 */
public record WebSettings(
    String token, boolean generated, boolean readWithoutToken, List<String> allowedHosts) {

  public static final Setting<Optional<String>> TOKEN =
      Setting.optionalString(
              "web.token",
              "Token the live page's API requires (header X-Openmede-Token, or ?token= on the"
                  + " page's address); empty makes a random one at start and prints the page's"
                  + " address with it.")
          .secret();
  public static final Setting<Boolean> READ_WITHOUT_TOKEN =
      Setting.bool(
          "web.read-without-token",
          false,
          "Let anyone who reaches the page read its state, frames and metrics without the token"
              + " (changes always need it).");
  public static final Setting<List<String>> ALLOWED_HOSTS =
      Setting.list(
          "web.allowed-hosts",
          List.of(),
          "Host names the page answers to besides its bound address, localhost and 127.0.0.1"
              + " (a request naming another Host is refused: no DNS rebinding); e.g. the name a"
              + " reverse proxy serves it under.");

  public static final SettingsGroup GROUP =
      SettingsGroup.of("Live page", TOKEN, READ_WITHOUT_TOKEN, ALLOWED_HOSTS);

  private static final int MIN_TOKEN_LENGTH = 16;

  public WebSettings {
    if (token.length() < MIN_TOKEN_LENGTH || !token.matches("[A-Za-z0-9._~-]+")) {
      throw new IllegalArgumentException(
          TOKEN.name()
              + " must be at least "
              + MIN_TOKEN_LENGTH
              + " characters of A-Z a-z 0-9 . _ ~ -; leave it empty to get a random one, or make"
              + " one with: head -c 24 /dev/urandom | base64 | tr '+/' '-_'");
    }
    allowedHosts = List.copyOf(allowedHosts);
  }

  /** The settings from a resolved settings object; a random token when none is configured. */
  public static WebSettings from(Settings s) {
    Optional<String> t = s.get(TOKEN);
    return new WebSettings(
        t.orElseGet(WebSettings::randomToken),
        t.isEmpty(),
        s.get(READ_WITHOUT_TOKEN),
        s.get(ALLOWED_HOSTS));
  }

  /** Settings with the given token and the defaults otherwise (tests, embedding). */
  public static WebSettings withToken(String token) {
    return new WebSettings(token, false, false, List.of());
  }

  /** A random token: 24 bytes from a strong source, hex. */
  public static String randomToken() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
