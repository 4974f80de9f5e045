package io.openmede.events.rules;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where a webhook may point, judged once its name is resolved, and how a webhook URL is shown.
 *
 * <p>A rule comes from a topic that other programs write, so its webhook is contacted only when its
 * host is one of the allowed hosts (by name), its port is one of the allowed ports (when any are
 * set), and every address its name resolves to is an ordinary one: loopback, link-local (which
 * holds the cloud metadata address 169.254.169.254), unspecified, multicast and the other metadata
 * addresses (fd00:ec2::254, 100.100.100.200) are refused unless the allowed hosts name that address
 * itself (or {@code localhost}, for loopback). So an allowed name that resolves (or is rebound) to
 * such an address is refused. Private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) are allowed:
 * internal receivers live there.
 *
 * <p>The name is resolved again when the HTTP client connects; a name rebound in between is not
 * caught (the check narrows the window, it does not close it: list IP addresses to close it).
 * Immutable and thread-safe.
 */
public final class WebhookAddresses {

  private static final Pattern URL = Pattern.compile("(?i)\\bhttps?://[^\\s\"'<>]+");
  private static final Set<String> METADATA = Set.of("fd00:ec2:0:0:0:0:0:254", "100.100.100.200");

  private final List<String> hosts;
  private final Set<Integer> ports;
  private final Set<String> namedAddresses;
  private final boolean loopbackNamed;

  /**
   * @param hosts host names or addresses a webhook may name ({@code *}: any name)
   * @param ports the ports a webhook may name; empty: any
   */
  public WebhookAddresses(List<String> hosts, List<Integer> ports) {
    this.hosts = hosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
    this.ports = Set.copyOf(ports);
    this.namedAddresses =
        this.hosts.stream()
            .map(WebhookAddresses::literal)
            .flatMap(Optional::stream)
            .map(InetAddress::getHostAddress)
            .collect(Collectors.toUnmodifiableSet());
    this.loopbackNamed = this.hosts.contains("localhost");
  }

  /**
   * Why the webhook {@code url} may not be contacted before its name is resolved (host not allowed,
   * port not allowed or out of range), or empty.
   */
  public Optional<String> refusal(URI url) {
    String host = host(url);
    if (!hosts.contains("*") && !hosts.contains(host)) {
      return Optional.of(
          "the host "
              + host
              + " is not in events.webhook.allowed-hosts "
              + hosts
              + "; add it there to allow this webhook");
    }
    int port = port(url);
    if (port < 1 || port > 65535) {
      return Optional.of("the port " + port + " is out of range (1 to 65535)");
    }
    if (!ports.isEmpty() && !ports.contains(port)) {
      return Optional.of(
          "the port "
              + port
              + " is not in events.webhook.allowed-ports "
              + ports.stream().sorted().toList()
              + "; add it there to allow this webhook");
    }
    return Optional.empty();
  }

  /**
   * Why the webhook {@code url} may not be contacted at the addresses its name resolves to now, or
   * empty.
   *
   * @throws UnknownHostException when the name does not resolve (a try that may succeed later)
   */
  public Optional<String> addressRefusal(URI url) throws UnknownHostException {
    String host = host(url);
    for (InetAddress a : InetAddress.getAllByName(bare(host))) {
      Optional<String> why = guarded(a);
      if (why.isPresent()
          && !namedAddresses.contains(a.getHostAddress())
          && !(a.isLoopbackAddress() && loopbackNamed)) {
        return Optional.of(
            "the host "
                + host
                + " resolves to "
                + a.getHostAddress()
                + ", "
                + why.get()
                + ": refused unless events.webhook.allowed-hosts names that address");
      }
    }
    return Optional.empty();
  }

  /** Why an address is one a rule may not point at by a name, or empty for an ordinary one. */
  static Optional<String> guarded(InetAddress a) {
    if (METADATA.contains(a.getHostAddress())) {
      return Optional.of("a cloud metadata address");
    }
    if (a.isLinkLocalAddress()) {
      return Optional.of(
          a.getHostAddress().equals("169.254.169.254")
              ? "the cloud metadata address"
              : "a link-local address");
    }
    if (a.isLoopbackAddress()) {
      return Optional.of("a loopback address");
    }
    if (a.isAnyLocalAddress()) {
      return Optional.of("the unspecified address");
    }
    if (a.isMulticastAddress()) {
      return Optional.of("a multicast address");
    }
    if (a instanceof Inet6Address six && six.isIPv4CompatibleAddress()) {
      return Optional.of("an IPv4-compatible IPv6 address");
    }
    if (a instanceof Inet4Address && (a.getAddress()[0] & 0xff) == 0) {
      return Optional.of("an address in 0.0.0.0/8");
    }
    return Optional.empty();
  }

  /**
   * A URL as reasons and the page show it: scheme, host and port; a path or query (which often
   * carry a secret) as {@code /…}.
   */
  public static String redact(String url) {
    try {
      URI u = new URI(url);
      if (u.getScheme() == null || u.getHost() == null) {
        return "(a webhook URL that is not a URL)";
      }
      boolean more =
          (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
              || u.getRawQuery() != null
              || u.getRawFragment() != null;
      return u.getScheme()
          + "://"
          + u.getHost()
          + (u.getPort() >= 0 ? ":" + u.getPort() : "")
          + (more ? "/\u2026" : "");
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return "(a webhook URL that is not a URL)";
    }
  }

  /** {@code text} with every http or https URL in it {@link #redact redacted}. */
  public static String redactAll(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = URL.matcher(text);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement(redact(m.group())));
    }
    m.appendTail(b);
    return b.toString();
  }

  private static String host(URI url) {
    return url.getHost().toLowerCase(Locale.ROOT);
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static int port(URI url) {
    if (url.getPort() >= 0) {
      return url.getPort();
    }
    return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
  }

  /** The address an allowed-hosts entry spells, when it is an IP literal (no lookup). */
  private static Optional<InetAddress> literal(String host) {
    String h = bare(host);
    boolean v4 = h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = h.indexOf(':') >= 0 && h.matches("[0-9a-f:.]+");
    if (!v4 && !v6) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(h));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
