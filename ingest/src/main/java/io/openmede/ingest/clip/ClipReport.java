package io.openmede.ingest.clip;

import java.util.ArrayList;
import java.util.List;

/**
 * What a dataset list ingestion did: videos read, clips produced, and one line per video or list
 * line that failed (missing, not a video, undecodable, ...) or needs a look. Not thread-safe.
 */
public final class ClipReport {
  private int videos;
  private int videosOk;
  private long clips;
  private final List<String> failures = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  void videoDone(int clipCount) {
    videos++;
    videosOk++;
    clips += clipCount;
  }

  void videoFailed(String line) {
    videos++;
    failures.add(line);
  }

  void listProblem(String line) {
    failures.add(line);
  }

  void warning(String line) {
    warnings.add(line);
  }

  public int videos() {
    return videos;
  }

  public int videosOk() {
    return videosOk;
  }

  public long clips() {
    return clips;
  }

  /** One line per failed video or unusable list line. */
  public List<String> failures() {
    return List.copyOf(failures);
  }

  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** A multi-line summary: counts, then each failure and warning. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(videosOk)
        .append(" of ")
        .append(videos)
        .append(" videos ingested, ")
        .append(clips)
        .append(" clips, ")
        .append(failures.size())
        .append(" failures, ")
        .append(warnings.size())
        .append(" warnings");
    failures.forEach(f -> sb.append(System.lineSeparator()).append("FAILED ").append(f));
    warnings.forEach(w -> sb.append(System.lineSeparator()).append("WARNING ").append(w));
    return sb.toString();
  }
}
