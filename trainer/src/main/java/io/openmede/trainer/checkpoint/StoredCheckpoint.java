package io.openmede.trainer.checkpoint;

import java.net.URI;

/**
 * A checkpoint that is completely written and visible in a store.
 *
 * @param version unique version
 * @param uri where the weights are (what an announcement carries)
 * @param sha256 lower-case hex SHA-256 of the weights
 * @param sizeBytes size of the weights in bytes
 */
record StoredCheckpoint(String version, URI uri, String sha256, long sizeBytes) {}
