package io.openmede.schemas.values;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {

  @Test
  void quote_boundsAndEscapes() {
    assertThat(Printable.quote("a\u0000b")).isEqualTo("'a\\u0000b'");
    assertThat(Printable.quote("y".repeat(100))).hasSize(80 + 3);
  }
}
