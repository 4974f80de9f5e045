package io.openmede.ingest.produce;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IngestMetricsTest {
  @Test
  void register_exposesTheCountersInPrometheusText_readAtEachScrape() throws Exception {
    IngestMetrics metrics = new IngestMetrics();
    PrometheusRegistry registry = new PrometheusRegistry();
    metrics.register(registry);
    metrics.framesSent.addAndGet(5);
    metrics.framesDropped.incrementAndGet();
    metrics.error();
    String first = scrape(registry);
    assertThat(first)
        .contains("openmede_ingest_frames_sent_total 5.0")
        .contains("openmede_ingest_frames_dropped_total 1.0")
        .contains("openmede_ingest_errors_total 1.0")
        .contains("openmede_ingest_clips_total 0.0");
    metrics.framesSent.addAndGet(2);
    assertThat(scrape(registry)).contains("openmede_ingest_frames_sent_total 7.0");
  }

  private static String scrape(PrometheusRegistry registry) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}
