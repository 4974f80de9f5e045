package io.openmede.events.clips;

import io.openmede.schemas.avro.ClipMade;
import io.openmede.schemas.avro.ClipStatus;
import io.openmede.schemas.avro.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Makes the clip of one closed episode: reads the episode's frames with the pre- and post-roll back
 * from the frames topic ({@link EpisodeFrames}), cut at the maximum length; encodes them ({@link
 * ClipEncoder}); stores MP4 and thumbnail under the event id ({@link ClipStore#put}, which
 * replaces, so making a clip twice leaves one); and describes the outcome as a {@link ClipMade}
 * record. Not thread-safe (one maker per clip thread).
 */
final class ClipMaker {

  /** The most frames one clip holds, whatever its length. */
  static final int MAX_FRAMES = 20_000;

  private final EpisodeFrames frames;
  private final ClipEncoder encoder;
  private final ClipStore store;
  private final ClipSettings settings;
  private final String framesTopic;
  private final Clock clock;

  ClipMaker(
      EpisodeFrames frames,
      ClipEncoder encoder,
      ClipStore store,
      ClipSettings settings,
      String framesTopic,
      Clock clock) {
    this.frames = frames;
    this.encoder = encoder;
    this.store = store;
    this.settings = settings;
    this.framesTopic = framesTopic;
    this.clock = clock;
  }

  /**
   * The clip of {@code e} (a CLOSED event), made and stored, or a record saying why not.
   *
   * @throws IOException when the store cannot be written (worth retrying)
   */
  ClipMade make(Event e) throws IOException {
    Instant from = e.getStartedAt().minus(settings.preRoll());
    Instant to = e.getEndedAt().plus(settings.postRoll());
    boolean cut = false;
    if (Duration.between(from, to).compareTo(settings.maxLength()) > 0) {
      to = from.plus(settings.maxLength());
      cut = true;
    }
    EpisodeFrames.Found found =
        frames.read(e.getStreamId(), from, to, MAX_FRAMES, settings.framesWait());
    List<EpisodeFrames.TimedFrame> fs = found.frames();
    boolean episodeThere =
        fs.stream()
            .anyMatch(
                f ->
                    !f.captureTime().isBefore(e.getStartedAt())
                        && !f.captureTime().isAfter(e.getEndedAt()));
    if (!episodeThere) {
      return failed(
          e,
          ClipStatus.FRAMES_GONE,
          "no frame of "
              + e.getStreamId()
              + " captured from "
              + e.getStartedAt()
              + " to "
              + e.getEndedAt()
              + " is on "
              + framesTopic
              + ": the topic no longer keeps them (its retention.ms must exceed the time from"
              + " capture to the clip, pre-roll included) or they never arrived");
    }
    double seconds =
        Duration.between(fs.get(0).captureTime(), fs.get(fs.size() - 1).captureTime()).toMillis()
            / 1000.0;
    double fps = fs.size() > 1 && seconds > 0 ? (fs.size() - 1) / seconds : 1;
    Path tmp = Files.createTempFile("openmede-clip-", ".mp4");
    try {
      ClipEncoder.Written w;
      byte[] thumb;
      try {
        w =
            encoder.encode(
                fs.stream().map(EpisodeFrames.TimedFrame::data).toList(),
                found.width(),
                found.height(),
                found.encoding(),
                fps,
                tmp);
        EpisodeFrames.TimedFrame peak =
            fs.stream()
                .min(
                    Comparator.comparingLong(f -> Math.abs(f.sequence() - e.getSnapshotSequence())))
                .orElseThrow();
        thumb = encoder.thumbnail(peak.data(), found.width(), found.height(), found.encoding());
      } catch (IOException ex) {
        return failed(e, ClipStatus.FAILED, ex.getMessage());
      }
      if (Files.size(tmp) > settings.maxBytes()) {
        return failed(
            e,
            ClipStatus.FAILED,
            "the clip is "
                + Files.size(tmp)
                + " bytes, over clips.max-bytes "
                + settings.maxBytes()
                + ": lower clips.max-length or raise clips.max-bytes");
      }
      ClipStore.Entry stored =
          store.put(
              new ClipStore.Description(
                  e.getEventId(),
                  e.getRule(),
                  e.getStreamId(),
                  e.getLabel(),
                  e.getStartedAt(),
                  e.getEndedAt(),
                  w.durationMillis(),
                  w.frames(),
                  found.width(),
                  found.height(),
                  cut),
              tmp,
              thumb);
      return base(e)
          .setStatus(ClipStatus.MADE)
          .setUri(stored.uri())
          .setThumbnailUri(stored.thumbnailUri())
          .setSha256(stored.sha256())
          .setSizeBytes(stored.sizeBytes())
          .setDurationMillis(w.durationMillis())
          .setFrames(w.frames())
          .setWidth(found.width())
          .setHeight(found.height())
          .setFirstSequence(fs.get(0).sequence())
          .setLastSequence(fs.get(fs.size() - 1).sequence())
          .setCut(cut)
          .build();
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private ClipMade.Builder base(Event e) {
    return ClipMade.newBuilder()
        .setEventId(e.getEventId())
        .setRule(e.getRule())
        .setStreamId(e.getStreamId())
        .setLabel(e.getLabel())
        .setStartedAt(e.getStartedAt())
        .setEndedAt(e.getEndedAt())
        .setMadeAt(clock.instant());
  }

  private ClipMade failed(Event e, ClipStatus status, String reason) {
    return base(e).setStatus(status).setReason(reason).build();
  }
}
