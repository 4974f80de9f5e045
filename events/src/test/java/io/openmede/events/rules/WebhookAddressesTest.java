package io.openmede.events.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookAddressesTest {

  @Test
  void guarded_namesLoopbackLinkLocalMetadataUnspecifiedAndMulticast_notPrivateOrPublic()
      throws Exception {
    assertThat(WebhookAddresses.guarded(InetAddress.getByName("169.254.169.254")))
        .hasValue("the cloud metadata address");
    assertThat(WebhookAddresses.guarded(InetAddress.getByName("169.254.3.4")))
        .hasValue("a link-local address");
    assertThat(WebhookAddresses.guarded(InetAddress.getByName("fe80::1")))
        .hasValue("a link-local address");
    assertThat(WebhookAddresses.guarded(InetAddress.getByName("fd00:ec2::254")))
        .hasValue("a cloud metadata address");
    assertThat(WebhookAddresses.guarded(InetAddress.getByName("100.100.100.200")))
        .hasValue("a cloud metadata address");
    assertThat(WebhookAddresses.guarded(InetAddress.getByName("127.0.0.2")))
        .hasValue("a loopback address");
    assertThat(WebhookAddresses.guarded(InetAddress.getByName("::1")))
        .hasValue("a loopback address");
    assertThat(WebhookAddresses.guarded(InetAddress.getByName("0.0.0.0")))
        .hasValue("the unspecified address");
    assertThat(WebhookAddresses.guarded(InetAddress.getByName("224.0.0.1")))
        .hasValue("a multicast address");
    assertThat(WebhookAddresses.guarded(InetAddress.getByName("10.1.2.3"))).isEmpty();
    assertThat(WebhookAddresses.guarded(InetAddress.getByName("192.168.1.9"))).isEmpty();
    assertThat(WebhookAddresses.guarded(InetAddress.getByName("93.184.216.34"))).isEmpty();
  }

  @Test
  void aNameThatResolvesToAGuardedAddress_isRefusedUnlessTheAddressIsNamed() throws Exception {
    // any host by name, but localhost resolves to loopback: refused
    WebhookAddresses any = new WebhookAddresses(List.of("*"), List.of());
    URI local = URI.create("http://localhost:8080/hook");
    assertThat(any.refusal(local)).isEmpty();
    assertThat(any.addressRefusal(local))
        .hasValueSatisfying(
            r ->
                assertThat(r)
                    .contains("localhost resolves to")
                    .contains("a loopback address")
                    .contains("events.webhook.allowed-hosts"));
    assertThat(any.addressRefusal(URI.create("http://169.254.169.254/latest/meta-data")))
        .hasValueSatisfying(r -> assertThat(r).contains("the cloud metadata address"));
    // naming localhost, or the address itself, allows it
    assertThat(new WebhookAddresses(List.of("localhost"), List.of()).addressRefusal(local))
        .isEmpty();
    assertThat(
            new WebhookAddresses(List.of("127.0.0.1"), List.of())
                .addressRefusal(URI.create("http://127.0.0.1:9/hook")))
        .isEmpty();
    assertThat(
            new WebhookAddresses(List.of("*", "169.254.169.254"), List.of())
                .addressRefusal(URI.create("http://169.254.169.254/")))
        .isEmpty();
    // an ordinary address is fine
    assertThat(any.addressRefusal(URI.create("http://10.0.0.7/hook"))).isEmpty();
  }

  @Test
  void hostsAndPorts_areCheckedBeforeResolving() {
    WebhookAddresses a = new WebhookAddresses(List.of("Hooks.Example.com"), List.of(443, 8443));
    assertThat(a.refusal(URI.create("https://hooks.example.com/x"))).isEmpty();
    assertThat(a.refusal(URI.create("https://hooks.example.com:8443/x"))).isEmpty();
    assertThat(a.refusal(URI.create("http://hooks.example.com/x")))
        .hasValueSatisfying(
            r -> assertThat(r).contains("port 80").contains("events.webhook.allowed-ports"));
    assertThat(a.refusal(URI.create("https://other.example.com/x")))
        .hasValueSatisfying(r -> assertThat(r).contains("not in events.webhook.allowed-hosts"));
    assertThat(
            new WebhookAddresses(List.of("*"), List.of())
                .refusal(URI.create("http://hooks.example.com:99999/x")))
        .hasValueSatisfying(r -> assertThat(r).contains("out of range"));
  }

  @Test
  void redact_keepsSchemeHostAndPort_hidesPathAndQuery() {
    assertThat(WebhookAddresses.redact("https://hooks.slack.com/services/T000/B000/XXXX"))
        .isEqualTo("https://hooks.slack.com/\u2026");
    assertThat(WebhookAddresses.redact("http://127.0.0.1:8080/"))
        .isEqualTo("http://127.0.0.1:8080");
    assertThat(WebhookAddresses.redact("http://h?token=abc")).isEqualTo("http://h/\u2026");
    assertThat(WebhookAddresses.redact("not a url")).doesNotContain("not a url");
    assertThat(
            WebhookAddresses.redactAll(
                "not delivered to https://h.example.com/s3cret?k=1 after 5 tries; and"
                    + " http://x:81/p"))
        .isEqualTo(
            "not delivered to https://h.example.com/\u2026 after 5 tries; and http://x:81/\u2026");
    assertThat(WebhookAddresses.redactAll(null)).isNull();
  }
}
