package io.openmede.trainer.checkpoint;

import io.openmede.schemas.avro.CheckpointAnnouncement;

/** Where checkpoint announcements go: {@link KafkaAnnouncementSink} sends them to the topic. */
public interface AnnouncementSink {

  /** Sends an announcement and returns once it is durably accepted. */
  void send(CheckpointAnnouncement announcement);
}
