package io.openmede.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InferenceDtypeTest {

  @Test
  void parse_acceptsShortAndLongNames_anyCase() {
    assertThat(InferenceDtype.parse("f32")).isEqualTo(InferenceDtype.F32);
    assertThat(InferenceDtype.parse(" Float32 ")).isEqualTo(InferenceDtype.F32);
    assertThat(InferenceDtype.parse("BF16")).isEqualTo(InferenceDtype.BF16);
    assertThat(InferenceDtype.parse("bfloat16")).isEqualTo(InferenceDtype.BF16);
    assertThat(InferenceDtype.BF16.toString()).isEqualTo("bf16");
  }

  @Test
  void parse_unknownValue_namesTheAcceptedOnes() {
    assertThatThrownBy(() -> InferenceDtype.parse("fp16"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'fp16'")
        .hasMessageContaining("f32, bf16");
  }

  @Test
  void f32_isSupportedEverywhere_bf16OnAGpuIsLeftToTheUser() {
    assertThat(InferenceDtype.F32.unsupportedOn(ComputeDevice.CPU)).isEmpty();
    assertThat(InferenceDtype.F32.unsupportedOn(ComputeDevice.gpu(0))).isEmpty();
    assertThat(InferenceDtype.BF16.unsupportedOn(ComputeDevice.gpu(0))).isEmpty();
  }

  @Test
  void bf16OnTheCpu_followsTheCpuFlags() {
    var flags = InferenceDtype.cpuFlags();
    boolean native16 = flags.contains("avx512_bf16") || flags.contains("amx_bf16");
    var why = InferenceDtype.BF16.unsupportedOn(ComputeDevice.CPU);
    assertThat(why.isEmpty()).isEqualTo(native16);
    why.ifPresent(w -> assertThat(w).contains("AVX512-BF16").contains("use f32"));
  }
}
