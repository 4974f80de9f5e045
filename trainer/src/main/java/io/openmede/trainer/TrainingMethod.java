package io.openmede.trainer;

/** Which training method the trainer runs on the labeled stream. */
enum TrainingMethod {
  /** Open-MeDe: the cross-batch meta-update plus Gaussian weight averaging (the paper). */
  OPEN_MEDE("open-mede", true, true),
  /** The meta-update alone; θ itself is published. */
  OPEN_MEDE_NO_GWA("open-mede-no-gwa", true, false),
  /** Plain fine-tuning: one AdamW step per batch; θ itself is published. */
  PLAIN("plain", false, false),
  /** Plain fine-tuning with an exponential moving average published. */
  PLAIN_EMA("ema", false, true),
  /** Plain fine-tuning with a uniform stochastic weight average published. */
  PLAIN_SWA("swa", false, true);

  private final String summaryName;
  private final boolean meta;
  private final boolean averaging;

  TrainingMethod(String summaryName, boolean meta, boolean averaging) {
    this.summaryName = summaryName;
    this.meta = meta;
    this.averaging = averaging;
  }

  /** The name in announcements' training summaries. */
  public String summaryName() {
    return summaryName;
  }

  /** Whether the meta-update is used (else plain fine-tuning). */
  public boolean isMeta() {
    return meta;
  }

  /** Whether a weight average is kept and published. */
  public boolean isAveraging() {
    return averaging;
  }
}
