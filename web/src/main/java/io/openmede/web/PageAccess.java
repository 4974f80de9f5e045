package io.openmede.web;

import com.sun.net.httpserver.HttpExchange;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Who may use the live page: every request must name one of the page's hosts (no DNS rebinding);
 * every change must carry the token (401), come from the page's own origin when the browser says
 * where it comes from (403, no cross-site posts), and have a JSON content type (415); reads of the
 * API need the token too unless the settings open them.
 *
 * <p>Immutable and thread-safe.
 */
final class PageAccess {
  /** The header a client sends the token in. */
  static final String TOKEN_HEADER = "X-Openmede-Token";

  /** A refusal: the status and the reason to answer with. */
  record Refusal(int status, String reason) {}

  private final WebSettings settings;
  private final Set<String> hosts;
  private final byte[] token;

  PageAccess(WebSettings settings, String boundHost) {
    this.settings = settings;
    Set<String> h = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "[::1]", "::1"));
    if (!boundHost.equals("0.0.0.0") && !boundHost.equals("::")) {
      h.add(boundHost.toLowerCase(Locale.ROOT));
    }
    settings.allowedHosts().forEach(a -> h.add(a.toLowerCase(Locale.ROOT)));
    this.hosts = Set.copyOf(h);
    this.token = settings.token().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Judges a request.
   *
   * @param change whether it changes something (POST, PUT, DELETE)
   * @param api whether it reads the API (state, frames, metrics) rather than the page's own files
   * @param port the port the page is bound to
   */
  Optional<Refusal> judge(HttpExchange x, boolean change, boolean api, int port) {
    String host = x.getRequestHeaders().getFirst("Host");
    if (host == null || !hostAllowed(host, port)) {
      return Optional.of(
          new Refusal(
              403,
              "this page does not answer to Host "
                  + host
                  + "; add the name to "
                  + WebSettings.ALLOWED_HOSTS.name()
                  + " if it is yours"));
    }
    if (change) {
      String origin = x.getRequestHeaders().getFirst("Origin");
      if (origin != null && !originAllowed(origin, host)) {
        return Optional.of(
            new Refusal(403, "a change from origin " + origin + " is refused: not this page"));
      }
      if (!tokenGiven(x, false)) {
        return Optional.of(
            new Refusal(
                401,
                "a change needs the page's token in the "
                    + TOKEN_HEADER
                    + " header (the address the service printed carries it; "
                    + WebSettings.TOKEN.name()
                    + " sets it)"));
      }
      String type = x.getRequestHeaders().getFirst("Content-Type");
      if (type == null
          || !type.toLowerCase(Locale.ROOT).split(";", 2)[0].trim().equals("application/json")) {
        return Optional.of(
            new Refusal(415, "a change needs Content-Type: application/json, not " + type));
      }
      return Optional.empty();
    }
    if (api && !settings.readWithoutToken() && !tokenGiven(x, true)) {
      return Optional.of(
          new Refusal(
              401,
              "reading the page needs its token (open the address the service printed, which"
                  + " carries ?token=; "
                  + WebSettings.READ_WITHOUT_TOKEN.name()
                  + "=true opens reads)"));
    }
    return Optional.empty();
  }

  private boolean hostAllowed(String hostHeader, int port) {
    String h = hostHeader.trim().toLowerCase(Locale.ROOT);
    String name = h;
    String p = null;
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      if (end < 0) {
        return false;
      }
      name = h.substring(0, end + 1);
      p = h.length() > end + 2 && h.charAt(end + 1) == ':' ? h.substring(end + 2) : null;
    } else if (h.indexOf(':') >= 0) {
      name = h.substring(0, h.indexOf(':'));
      p = h.substring(h.indexOf(':') + 1);
    }
    if (p != null && !p.equals(Integer.toString(port))) {
      return false;
    }
    return hosts.contains(name);
  }

  private static boolean originAllowed(String origin, String host) {
    try {
      URI o = new URI(origin);
      String authority = o.getRawAuthority();
      return ("http".equals(o.getScheme()) || "https".equals(o.getScheme()))
          && authority != null
          && authority.equalsIgnoreCase(host.trim());
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private boolean tokenGiven(HttpExchange x, boolean queryAllowed) {
    String given = x.getRequestHeaders().getFirst(TOKEN_HEADER);
    if (given == null && queryAllowed) {
      given = queryToken(x);
    }
    return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token);
  }

  private static String queryToken(HttpExchange x) {
    String q = x.getRequestURI().getRawQuery();
    if (q == null) {
      return null;
    }
    for (String part : q.split("&")) {
      if (part.startsWith("token=")) {
        return decode(part.substring(6));
      }
    }
    return null;
  }

  /**
   * A query part decoded, or null when its escapes are malformed (such as a lone {@code %}): the
   * request is then answered as if the part were missing, without a stack trace.
   */
  static String decode(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
